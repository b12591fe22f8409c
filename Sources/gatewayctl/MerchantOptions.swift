import ArgumentParser

/// Options of the subcommands that call the merchant API: where it is, who signs, how long to wait, and
/// the output format.
struct MerchantOptions: ParsableArguments {
    @Option(
        name: .customLong("url"),
        help: ArgumentHelp(
            "Base URL of the merchant API (default: $\(MerchantURL.environmentVariable), else \(MerchantURL.fallback)).",
            valueName: "url"))
    var urlArgument: String?

    @OptionGroup var signing: SigningOptions

    @Option(help: ArgumentHelp("Seconds to wait for the gateway to answer.", valueName: "seconds"))
    var timeout: Int = 30

    @Flag(help: "Print the gateway's JSON answer (pretty-printed) instead of a table.")
    var json = false

    /// The merchant API base URL, validated.
    var url: MerchantURL {
        get throws { try MerchantURL(resolving: urlArgument) }
    }

    mutating func validate() throws {
        _ = try url
        guard (1...300).contains(timeout) else {
            throw ValidationError("--timeout must be between 1 and 300 seconds, not \(timeout).")
        }
    }

    /// A client for the merchant API that signs as `--merchant-id`.
    func client() throws -> MerchantClient {
        MerchantClient(url: try url, signer: try signing.signer(), timeout: .seconds(Int64(timeout)))
    }
}
