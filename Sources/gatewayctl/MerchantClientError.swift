import ArgumentParser
import Foundation

/// Why a merchant API call failed; each case maps to a documented exit code.
enum MerchantClientError: Error, Sendable {
    /// No HTTP answer at all (exit 3).
    case unreachable(url: String, reason: String)
    /// A non-2xx answer, e.g. 401 invalid_signature (exit 4).
    case httpStatus(Int, reason: String, body: String, request: String)
    /// A 2xx answer that is not what the merchant API promises (exit 4).
    case unreadable(request: String, reason: String)

    /// The message for stderr, prefixed with `gatewayctl: `.
    var message: String {
        switch self {
        case let .unreachable(url, reason):
            return "gatewayctl: cannot reach the gateway merchant API at \(url) (\(reason)) — is the gateway running? "
                + "Set --url or \(MerchantURL.environmentVariable)."
        case let .httpStatus(code, reason, body, request):
            let detail = AdminClientError.summary(ofErrorBody: body)
            var text = "gatewayctl: \(request) answered HTTP \(code) \(reason)" + (detail.isEmpty ? "" : ": \(detail)")
            if code == 401 { text += "\n" + Self.authenticationHint }
            return text
        case let .unreadable(request, reason):
            return "gatewayctl: unexpected answer to \(request): \(reason)"
        }
    }

    /// Printed after a 401: where to look.
    static let authenticationHint =
        "gatewayctl: check --merchant-id, the secret in --secret-env and this machine's clock (docs/MERCHANT-AUTH.md)"

    /// The process exit code.
    var exitCode: ExitCode {
        switch self {
        case .unreachable: return ExitCode(3)
        case .httpStatus, .unreadable: return ExitCode(4)
        }
    }

    /// Reports the error on stderr and returns the exit code to throw.
    func report() -> ExitCode {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        return exitCode
    }
}
