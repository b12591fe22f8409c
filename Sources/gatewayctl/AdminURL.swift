import ArgumentParser
import Foundation

/// The admin API base URL: from `--admin-url`, else `GATEWAY_ADMIN_URL`, else the loopback default.
struct AdminURL: Sendable, CustomStringConvertible {
    /// Used when neither the option nor the environment variable is set.
    static let fallback = "http://127.0.0.1:8081"
    /// The environment variable consulted when `--admin-url` is not given.
    static let environmentVariable = "GATEWAY_ADMIN_URL"

    /// The base URL without a trailing slash, e.g. `http://127.0.0.1:8081`, or for a Unix socket
    /// `http+unix://%2Frun%2Fgateway%2Fadmin.sock`.
    let base: String
    /// As the user gave it (`unix:/run/gateway/admin.sock` for a socket), for messages.
    let shown: String

    var description: String { shown }

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
        if trimmed.hasPrefix("unix:") {
            // unix:/path/to/admin.sock (or unix:///path): the gateway's --admin-socket.
            var path = String(trimmed.dropFirst(5))
            while path.hasPrefix("//") { path.removeFirst() }
            guard path.hasPrefix("/"), let host = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) else {
                throw ValidationError("\(source) '\(raw)' is not unix:/absolute/path/to/the/socket.")
            }
            base = "http+unix://" + host
            shown = "unix:" + path
            return
        }
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
            url.query == nil, url.fragment == nil
        else {
            throw ValidationError(
                "\(source) '\(raw)' is not an http(s) base URL like \(Self.fallback) (or unix:/path/to/admin.sock)."
            )
        }
        base = trimmed
        shown = trimmed
    }

    /// The full URL of an admin API path such as `/admin/channels`.
    func appending(path: String) -> String { base + path }
}
