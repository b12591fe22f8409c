import ArgumentParser
import Foundation

/// The merchant API base URL: from `--url`, else `GATEWAY_URL`, else the loopback default.
struct MerchantURL: Sendable, CustomStringConvertible {
    /// Used when neither the option nor the environment variable is set.
    static let fallback = "http://127.0.0.1:8080"
    /// The environment variable consulted when `--url` is not given.
    static let environmentVariable = "GATEWAY_URL"

    /// The base URL without a trailing slash, e.g. `http://127.0.0.1:8080`.
    let base: String

    var description: String { base }

    /// Resolves and validates the URL; a bad one is a usage error (exit 64). The merchant API lives at the
    /// root of its server, so the URL has no path: the signed target is exactly what follows it.
    init(resolving argument: String?, option: String = "--url", environment: [String: String] = ProcessInfo.processInfo.environment)
        throws
    {
        let source: String
        let raw: String
        if let argument {
            (source, raw) = (option, argument)
        } else if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            (source, raw) = (Self.environmentVariable, fromEnvironment)
        } else {
            (source, raw) = ("default", Self.fallback)
        }
        var trimmed = raw.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
            url.path.isEmpty, url.query == nil, url.fragment == nil, url.user == nil
        else {
            throw ValidationError("\(source) '\(raw)' is not an http(s) base URL without a path, like \(Self.fallback).")
        }
        base = trimmed
    }

    /// The full URL of a request target such as `/v1/payments`.
    func appending(target: String) -> String { base + target }
}
