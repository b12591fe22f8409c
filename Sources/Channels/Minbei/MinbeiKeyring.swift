import ChannelKit
import MinbeiProtocol

/// The merchant's MD5 key during a rotation: requests are signed with the current key only; answers and
/// notifications are accepted when they verify with the current *or* the next one.
struct MinbeiKeyring: Sendable {
    /// Signs every request.
    let signing: MinbeiSigner
    /// Verifies answers, current first.
    let verifying: [MinbeiSigner]

    /// The keyring of the `key` credential.
    init(_ credential: Credential) {
        signing = MinbeiSigner(key: credential.current.reveal())
        verifying = credential.verificationValues.map { MinbeiSigner(key: $0.reveal()) }
    }

    /// `form` with `sign_type` and `sign`; `nil` when it holds a character outside GBK.
    func signed(_ form: MinbeiForm) -> MinbeiForm? {
        signing.signed(form)
    }

    /// Whether `form` carries `sign_type=MD5` and a `sign` made with any of the keys.
    func verify(_ form: MinbeiForm) -> Bool {
        verifying.contains { $0.verify(form) }
    }
}
