import Foundation
import ArgumentParser

/// Why an admin API call failed; each case maps to a documented exit code.
enum AdminClientError: Error, Sendable {
    /// No HTTP answer at all (exit 3).
    case unreachable(url: String, reason: String)
    /// A non-2xx answer (exit 4).
    case httpStatus(Int, reason: String, body: String, url: String)
    /// A 2xx answer that is not what the admin API promises (exit 4).
    case unreadable(url: String, reason: String)
    /// The gateway answered but says it is not ok (exit 4).
    case notOK(status: String)
    /// The admin API refused the request: no token, or not one of the gateway's (exit 5).
    case notAuthorized(body: String, url: String, tokenGiven: Bool)

    /// The message for stderr, prefixed with `gatewayctl: `.
    var message: String {
        switch self {
        case let .unreachable(url, reason):
            return "gatewayctl: cannot reach the gateway admin API at \(url) (\(reason)) — is the gateway running? "
                + "Set --admin-url or \(AdminURL.environmentVariable)."
        case let .httpStatus(code, reason, body, url):
            let detail = Self.summary(ofErrorBody: body)
            return "gatewayctl: \(url) answered HTTP \(code) \(reason)" + (detail.isEmpty ? "" : ": \(detail)")
        case let .unreadable(url, reason):
            return "gatewayctl: unexpected answer from \(url): \(reason)"
        case let .notOK(status):
            return "gatewayctl: the gateway reports status '\(status)'"
        case let .notAuthorized(body, url, tokenGiven):
            let detail = Self.summary(ofErrorBody: body)
            return "gatewayctl: \(url) refused the request (HTTP 401\(detail.isEmpty ? "" : ": \(detail)")) — "
                + (tokenGiven
                    ? "the admin token is not one of the gateway's (--admin-tokens file)."
                    : "give an admin token with --admin-token-file, GATEWAY_ADMIN_TOKEN or GATEWAY_ADMIN_TOKEN_FILE.")
        }
    }

    /// The process exit code.
    var exitCode: ExitCode {
        switch self {
        case .unreachable: return ExitCode(3)
        case .httpStatus, .unreadable, .notOK: return ExitCode(4)
        case .notAuthorized: return ExitCode(5)
        }
    }

    /// `code: message` of a JSON error answer (`{"error":{"code":…,"message":…}}`), else the body on one line,
    /// cut to 300 characters.
    static func summary(ofErrorBody body: String) -> String {
        struct Envelope: Decodable {
            struct Detail: Decodable {
                var code: String?
                var message: String?
            }
            var error: Detail
        }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body.utf8)) {
            return [envelope.error.code, envelope.error.message].compactMap { $0 }.joined(separator: ": ")
        }
        let oneLine = body.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return oneLine.count > 300 ? oneLine.prefix(300) + "…" : oneLine
    }
}
