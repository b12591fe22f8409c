import ChannelKit
import Foundation
import JiangnanProtocol

/// The merchant's HMAC secret during a key rotation: requests are signed with the current secret only;
/// answers and notifications are accepted when they verify with the current *or* the next one, so nothing
/// is refused while the bank switches from one to the other.
struct JiangnanKeyring: Sendable {
    /// Signs every request.
    let signing: JiangnanSigner
    /// Verifies answers, current first.
    let verifying: [JiangnanSigner]

    /// The keyring of the `secret` credential.
    init(_ credential: Credential) {
        signing = JiangnanSigner(secret: credential.current.reveal())
        verifying = credential.verificationValues.map { JiangnanSigner(secret: $0.reveal()) }
    }

    /// The signature of a request, with the current secret.
    func signature(method: String, target: String, timestamp: String, nonce: String, body: Data) -> String {
        signing.signature(method: method, target: target, timestamp: timestamp, nonce: nonce, body: body)
    }

    /// Whether `signature` verifies with any of the secrets, over a message with the body hash given.
    func isValid(
        _ signature: String, method: String, target: String, timestamp: String, nonce: String, bodyHash: String
    ) -> Bool {
        verifying.contains {
            $0.isValid(signature, method: method, target: target, timestamp: timestamp, nonce: nonce, bodyHash: bodyHash)
        }
    }

    /// Whether `signature` verifies with any of the secrets, over a message with this body.
    func isValid(_ signature: String, method: String, target: String, timestamp: String, nonce: String, body: Data) -> Bool {
        isValid(
            signature, method: method, target: target, timestamp: timestamp, nonce: nonce,
            bodyHash: JiangnanSigner.bodyHash(body))
    }
}
