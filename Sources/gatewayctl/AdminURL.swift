import ArgumentParser
import Foundation

/// The admin API base URL: from `--admin-url`, else `GATEWAY_ADMIN_URL`, else the loopback default.
struct AdminURL: Sendable, CustomStringConvertible {
    /// Used when neither the option nor the environment variable is set.
    static let fallback = "http://127.0.0.1:8081"
    /// The environment variable consulted when `--admin-url` is not given.
    static let environmentVariable = "GATEWAY_ADMIN_URL"

    /// The base URL without a trailing slash, e.g. `http://127.0.0.1:8081`.
    let base: String

    var description: String { base }

    /// Resolves and validates the URL; a bad one is a usage error (exit 64).
    init(resolving argument: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let source: String
        let raw: String
        if let argument {
            (source, raw) = ("--admin-url", argument)
        } else if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            (source, raw) = (Self.environmentVariable, fromEnvironment)
        } else {
            (source, raw) = ("default", Self.fallback)
        }
        var trimmed = raw.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
            url.query == nil, url.fragment == nil
        else {
            throw ValidationError(
                "\(source) '\(raw)' is not an http(s) base URL like \(Self.fallback)."
            )
        }
        base = trimmed
    }

    /// The full URL of an admin API path such as `/admin/channels`.
    func appending(path: String) -> String { base + path }
}
