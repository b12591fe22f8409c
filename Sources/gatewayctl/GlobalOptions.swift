import ArgumentParser
import Foundation

/// Options every subcommand takes: where the admin API is, how long to wait, and the output format.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .customLong("admin-url"),
        help: ArgumentHelp(
            "Base URL of the gateway admin API, or unix:/path for its --admin-socket (default: $GATEWAY_ADMIN_URL, else \(AdminURL.fallback)).",
            valueName: "url"
        )
    )
    var adminURLArgument: String?

    @Option(
        name: .customLong("admin-token-file"),
        help: ArgumentHelp(
            "File holding the admin bearer token (default: $GATEWAY_ADMIN_TOKEN, else $GATEWAY_ADMIN_TOKEN_FILE).",
            valueName: "path"
        )
    )
    var adminTokenFile: String?

    @Option(help: ArgumentHelp("Seconds to wait for the admin API to answer.", valueName: "seconds"))
    var timeout: Int = 5

    @Flag(help: "Print the admin API's JSON answer (pretty-printed) instead of tables.")
    var json = false

    /// The admin API base URL, validated.
    var adminURL: AdminURL {
        get throws { try AdminURL(resolving: adminURLArgument) }
    }

    /// The admin bearer token: from `--admin-token-file`, else `$GATEWAY_ADMIN_TOKEN`, else the file named by
    /// `$GATEWAY_ADMIN_TOKEN_FILE`; `nil` when none is given (the gateway then answers 401, exit 5).
    var adminToken: String? {
        get throws {
            let environment = ProcessInfo.processInfo.environment
            if let path = adminTokenFile ?? (environment["GATEWAY_ADMIN_TOKEN"] == nil ? environment["GATEWAY_ADMIN_TOKEN_FILE"] : nil) {
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
                    !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                else { throw ValidationError("cannot read an admin token from \(path)") }
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return environment["GATEWAY_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    mutating func validate() throws {
        _ = try adminURL
        _ = try adminToken
        guard (1...300).contains(timeout) else {
            throw ValidationError("--timeout must be between 1 and 300 seconds, not \(timeout).")
        }
    }
}
