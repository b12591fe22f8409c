import Foundation

/// Signs merchant API requests on the client side: gatewayctl, the load generator, tests.
public struct MerchantRequestSigner: Sendable {
    public var merchantId: String
    public var secret: String

    public init(merchantId: String, secret: String) {
        self.merchantId = merchantId
        self.secret = secret
    }

    /// The four authentication headers for one request. `target` is the path plus `?query` when there is one.
    public func headers(
        method: String, target: String, body: some DataProtocol, timestampMs: Int64 = Self.nowMs(),
        nonce: String = Self.randomNonce()
    ) -> [(name: String, value: String)] {
        let timestamp = String(timestampMs)
        let signature = MerchantSignature.sign(
            secret: secret, method: method, target: target, timestamp: timestamp, nonce: nonce, body: body)
        return [
            (MerchantSignature.Header.merchantId, merchantId),
            (MerchantSignature.Header.timestamp, timestamp),
            (MerchantSignature.Header.nonce, nonce),
            (MerchantSignature.Header.signature, signature),
        ]
    }

    /// The current Unix time in milliseconds.
    public static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// A fresh 32-character nonce.
    public static func randomNonce() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
