import ArgumentParser
import Foundation
import MerchantAuth

/// Who signs: the merchant id and the environment variable that holds its secret. The secret is read from
/// the environment only (never from the command line, where `ps` and shell history would show it) and is
/// never printed.
struct SigningOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The merchant's id (X-Merchant-Id).", valueName: "id"))
    var merchantId: String

    @Option(help: ArgumentHelp("Name of the environment variable that holds the merchant's secret.", valueName: "variable"))
    var secretEnv: String

    mutating func validate() throws {
        guard Self.isIdentifier(merchantId) else {
            throw ValidationError("--merchant-id must be 1–64 characters of [A-Za-z0-9_-], not '\(merchantId)'.")
        }
        _ = try secret()
    }

    /// The secret, from the environment variable named by `--secret-env`.
    func secret(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        guard !secretEnv.isEmpty, !secretEnv.contains("=") else {
            throw ValidationError("--secret-env takes the name of an environment variable, e.g. GATEWAY_MERCHANT_DEMO_SECRET.")
        }
        guard let value = environment[secretEnv], !value.isEmpty else {
            throw ValidationError(
                "environment variable \(secretEnv) (--secret-env) is not set or empty; export the merchant's secret in it.")
        }
        return value
    }

    /// The signer for this merchant.
    func signer() throws -> MerchantRequestSigner {
        MerchantRequestSigner(merchantId: merchantId, secret: try secret())
    }

    /// 1–64 characters of `[A-Za-z0-9_-]`: the shape of merchant, payment and order ids.
    static func isIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (1...64).contains(bytes.count)
            && bytes.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F
            }
    }
}
