import Crypto
import Foundation

/// The merchant API's request signature (docs/MERCHANT-AUTH.md):
///
///     X-Signature = hex(HMAC-SHA256(secret, METHOD "\n" TARGET "\n" TIMESTAMP "\n" NONCE "\n" hex(SHA256(BODY))))
///
/// TARGET is the path plus `?query` when there is one, exactly as sent. Shared by the gateway (verifying),
/// gatewayctl, the load generator and the tests (signing), so that all of them agree byte for byte.
public enum MerchantSignature {
    /// The request headers that carry a merchant's identity and signature.
    public enum Header {
        public static let merchantId = "X-Merchant-Id"
        public static let timestamp = "X-Timestamp"
        public static let nonce = "X-Nonce"
        public static let signature = "X-Signature"
    }

    /// The exact text that is signed.
    public static func stringToSign(
        method: String, target: String, timestamp: String, nonce: String, body: some DataProtocol
    ) -> String {
        "\(method)\n\(target)\n\(timestamp)\n\(nonce)\n\(Hex.encode(SHA256.hash(data: body)))"
    }

    /// The lowercase hex signature of one request.
    public static func sign(
        secret: String, method: String, target: String, timestamp: String, nonce: String, body: some DataProtocol
    ) -> String {
        let text = stringToSign(method: method, target: target, timestamp: timestamp, nonce: nonce, body: body)
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(secret.utf8))))
    }

    /// Compares a presented signature with the expected one in constant time (for equal lengths).
    public static func matches(_ presented: String, expected: String) -> Bool {
        let a = Array(presented.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Whether a nonce has the allowed shape: 8–64 characters of `[A-Za-z0-9-]`.
    public static func isValidNonce(_ nonce: String) -> Bool {
        let bytes = Array(nonce.utf8)
        guard (8...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D
        }
    }
}
