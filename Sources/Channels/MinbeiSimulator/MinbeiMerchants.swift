import MinbeiProtocol

/// The merchants the simulated bank knows: `mer_id` and the shared MD5 key of each.
struct MinbeiMerchants: Sendable {
    private let signers: [String: MinbeiSigner]

    /// The merchant numbers, sorted (for the start-up log; keys are never logged).
    let merchantIds: [String]

    /// Parses `MER_ID=KEY` pairs; `nil` when one is malformed or a number repeats.
    init?(pairs: [String]) {
        var signers: [String: MinbeiSigner] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            let id = String(pair[..<equals])
            let key = String(pair[pair.index(after: equals)...])
            guard MinbeiRules.isValidId(id, maximumLength: 32), !key.isEmpty, GBK.encode(key) != nil, signers[id] == nil
            else { return nil }
            signers[id] = MinbeiSigner(key: key)
        }
        self.signers = signers
        self.merchantIds = signers.keys.sorted()
    }

    /// The signer of a merchant's messages, both ways.
    func signer(for merchantId: String) -> MinbeiSigner? {
        signers[merchantId]
    }
}
