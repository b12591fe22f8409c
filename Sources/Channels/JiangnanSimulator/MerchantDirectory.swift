import SimulatorSupport
import JiangnanProtocol

/// The merchant numbers the bank knows and their secrets (`--merchant NO=SECRET`).
struct MerchantDirectory: Sendable {
    private let signers: [String: JiangnanSigner]

    /// The merchant numbers, sorted.
    let merchantNumbers: [String]

    /// A directory from `NO=SECRET` pairs; `nil` when a pair is malformed or a number repeats.
    init?(pairs: [String]) {
        var signers: [String: JiangnanSigner] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            let number = String(pair[..<equals])
            let secret = String(pair[pair.index(after: equals)...])
            guard !number.isEmpty, !secret.isEmpty, signers[number] == nil else { return nil }
            signers[number] = JiangnanSigner(secret: secret)
        }
        self.signers = signers
        self.merchantNumbers = signers.keys.sorted()
    }

    /// The signer (secret) of a merchant number.
    func signer(for merchantNo: String) -> JiangnanSigner? {
        signers[merchantNo]
    }
}
