import Crypto
import Foundation

/// The signature of a webhook the gateway sends to a merchant:
///
///     X-Gateway-Signature = hex(HMAC-SHA256(merchant secret, TIMESTAMP "." BODY))
///
/// with `X-Gateway-Timestamp` the Unix time in milliseconds. A merchant verifies it with the same secret it
/// signs its requests with, and rejects timestamps far from its own clock.
public enum WebhookSignature {
    public enum Header {
        public static let timestamp = "X-Gateway-Timestamp"
        public static let signature = "X-Gateway-Signature"
        public static let eventId = "X-Gateway-Event-Id"
    }

    /// The lowercase hex signature of one webhook body sent at `timestamp` (Unix ms, as text).
    public static func sign(secret: String, timestamp: String, body: some DataProtocol) -> String {
        var message = Data(timestamp.utf8)
        message.append(UInt8(ascii: "."))
        message.append(contentsOf: body)
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8))))
    }
}
