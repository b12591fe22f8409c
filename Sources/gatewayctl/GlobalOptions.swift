import ArgumentParser

/// Options every subcommand takes: where the admin API is, how long to wait, and the output format.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .customLong("admin-url"),
        help: ArgumentHelp(
            "Base URL of the gateway admin API (default: $GATEWAY_ADMIN_URL, else \(AdminURL.fallback)).",
            valueName: "url"
        )
    )
    var adminURLArgument: String?

    @Option(help: ArgumentHelp("Seconds to wait for the admin API to answer.", valueName: "seconds"))
    var timeout: Int = 5

    @Flag(help: "Print the admin API's JSON answer (pretty-printed) instead of tables.")
    var json = false

    /// The admin API base URL, validated.
    var adminURL: AdminURL {
        get throws { try AdminURL(resolving: adminURLArgument) }
    }

    mutating func validate() throws {
        _ = try adminURL
        guard (1...300).contains(timeout) else {
            throw ValidationError("--timeout must be between 1 and 300 seconds, not \(timeout).")
        }
    }
}
