import Foundation
import HaixiProtocol

/// The merchants the simulated bank knows: `MerId` and the public key registered for it, which verifies the
/// merchant's requests and its notification replies.
struct HaixiMerchants: Sendable {
    /// The demo merchant number, used when `--merchant` names only a key file.
    static let demoMerchantId = "HX310000001"

    private let verifiers: [String: HaixiVerifier]

    /// The merchant numbers, sorted (for the start-up log; keys are never logged).
    let merchantIds: [String]

    /// Reads `[MERID=]PUBKEY.pem` items.
    /// - Throws: ``HaixiMerchantsError`` naming the bad item (never a key's content).
    init(items: [String]) throws(HaixiMerchantsError) {
        var verifiers: [String: HaixiVerifier] = [:]
        for item in items {
            let id: String
            let path: String
            if let equals = item.firstIndex(of: "=") {
                id = String(item[..<equals])
                path = String(item[item.index(after: equals)...])
            } else {
                id = Self.demoMerchantId
                path = item
            }
            guard (1...15).contains(id.utf8.count), HaixiStatement.isSerial(id) else {
                throw HaixiMerchantsError("--merchant '\(item)': MERID must be 1–15 characters of [A-Za-z0-9_-]")
            }
            guard verifiers[id] == nil else { throw HaixiMerchantsError("--merchant: \(id) is given twice") }
            let pem: String
            do {
                pem = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw HaixiMerchantsError("--merchant \(id): cannot read \(path)")
            }
            do {
                verifiers[id] = try HaixiVerifier(publicKeyPEM: pem)
            } catch {
                throw HaixiMerchantsError("--merchant \(id): \(path) is \(error.description)")
            }
        }
        self.verifiers = verifiers
        self.merchantIds = verifiers.keys.sorted()
    }

    /// The key registered for `merchantId`.
    func verifier(for merchantId: String) -> HaixiVerifier? {
        verifiers[merchantId]
    }
}

/// A `--merchant` item that cannot be used.
struct HaixiMerchantsError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
