import Crypto
import Foundation

/// Jiangnan's request/response signature (interface document v2.3, "Signing"):
/// `lowercase_hex(HMAC-SHA256(secret, METHOD \n TARGET \n TIMESTAMP \n NONCE \n lowercase_hex(SHA256(BODY))))`.
///
/// Requests and notifications use the HTTP method; responses use `RESP` and the request's TARGET.
public struct JiangnanSigner: Sendable {
    /// The HMAC key, for the signing helpers in other files of this module.
    let symmetricKey: SymmetricKey

    /// A signer for the secret of one merchant number.
    public init(secret: String) {
        self.symmetricKey = SymmetricKey(data: Data(secret.utf8))
    }

    /// The signature of one message.
    public func signature(method: String, target: String, timestamp: String, nonce: String, body: Data) -> String {
        signature(method: method, target: target, timestamp: timestamp, nonce: nonce, bodyHash: Self.bodyHash(body))
    }

    /// Checks a signature in constant time.
    public func isValid(
        _ signature: String, method: String, target: String, timestamp: String, nonce: String, body: Data
    ) -> Bool {
        isValid(signature, method: method, target: target, timestamp: timestamp, nonce: nonce, bodyHash: Self.bodyHash(body))
    }

    /// The signed string S.
    public static func stringToSign(method: String, target: String, timestamp: String, nonce: String, body: Data)
        -> String
    {
        stringToSign(method: method, target: target, timestamp: timestamp, nonce: nonce, bodyHash: bodyHash(body))
    }

    /// `lowercase_hex(SHA256(body))`.
    public static func bodyHash(_ body: Data) -> String {
        hex(SHA256.hash(data: body))
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ digest: SHA256Digest) -> String { hex(Array(digest)) }

    static func bytes(fromHex text: String) -> Data? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 64 else { return nil }
        var out = Data(capacity: 32)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
