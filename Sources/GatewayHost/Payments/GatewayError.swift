import Hummingbird

/// An error a merchant sees: a stable machine code, an HTTP status and a human message (never a secret).
struct GatewayError: Error, Sendable, Equatable, CustomStringConvertible {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    /// `limit_exceeded`: which limit.
    var limit: LimitRefusal?
    /// Seconds for a `Retry-After` header (`channel_degraded`).
    var retryAfter: Int?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, limit: LimitRefusal? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.limit = limit
        self.retryAfter = retryAfter
    }

    var description: String { "\(status.code) \(code): \(message)" }

    static func invalidJSON(_ message: String) -> GatewayError { .init(.badRequest, "invalid_json", message) }
    static func invalidRequest(_ message: String) -> GatewayError { .init(.badRequest, "invalid_request", message) }
    static func invalidAmount(_ message: String) -> GatewayError { .init(.unprocessableContent, "invalid_amount", message) }
    static func amountTooLarge(_ message: String) -> GatewayError { .init(.unprocessableContent, "amount_too_large", message) }
    static func amountTooSmall(_ message: String) -> GatewayError { .init(.unprocessableContent, "amount_too_small", message) }
    static func unknownCurrency(_ code: String) -> GatewayError {
        .init(.unprocessableContent, "unknown_currency", "'\(code.prefix(16))' is not an ISO 4217 currency code")
    }
    static func unsupportedCurrency(_ message: String) -> GatewayError {
        .init(.unprocessableContent, "unsupported_currency", message)
    }
    static func unknownChannel(_ id: String) -> GatewayError {
        .init(.unprocessableContent, "unknown_channel", "no channel '\(id.prefix(64))' is configured")
    }
    /// The admin API's answer for a channel id it does not know: 404 (the merchant API's is 422, `unknownChannel`).
    static func channelNotFound(_ id: String) -> GatewayError {
        .init(.notFound, "unknown_channel", "no channel '\(id.prefix(64))'")
    }
    static func channelOffline(_ id: String) -> GatewayError {
        .init(.unprocessableContent, "channel_offline", "channel '\(id)' is offline")
    }
    /// A retired channel takes no new payments; it is reported with the same stable code as an offline one.
    static func channelRetired(_ id: String) -> GatewayError {
        .init(.unprocessableContent, "channel_offline", "channel '\(id)' is retired and takes no new payments")
    }
    static func channelUnavailable(_ id: String) -> GatewayError {
        .init(.serviceUnavailable, "channel_unavailable", "channel '\(id)' is not ready (see the admin API)")
    }
    /// The channel's circuit breaker is open (or forced open): nothing was sent; try again after `retryAfter`.
    static func channelDegraded(_ id: String?, reason: String, retryAfter: Int) -> GatewayError {
        .init(
            .serviceUnavailable, "channel_degraded",
            (id.map { "channel '\($0)' is degraded and takes no new payments now: " } ?? "every channel that takes this payment is degraded: ")
                + reason,
            retryAfter: retryAfter)
    }
    /// `skipped`: each channel not tried and why (`a-bank: offline`).
    static func noChannel(_ currency: String, skipped: [String] = []) -> GatewayError {
        .init(
            .unprocessableContent, "no_channel_available",
            "no online channel accepts this payment in \(currency)" + (skipped.isEmpty ? "" : " (skipped: \(skipped.joined(separator: "; ")))"))
    }
    static func limitExceeded(_ refusal: LimitRefusal, skipped: [String] = []) -> GatewayError {
        .init(
            .unprocessableContent, "limit_exceeded",
            "the payment would exceed a limit: \(refusal.description)"
                + (skipped.count > 1 ? " (skipped: \(skipped.joined(separator: "; ")))" : ""),
            limit: refusal)
    }
    static func idempotencyConflict(_ message: String) -> GatewayError { .init(.conflict, "idempotency_conflict", message) }
    static func notRefundable(_ message: String) -> GatewayError { .init(.conflict, "payment_not_refundable", message) }
    static func refundExceedsRemaining(_ remaining: Int64, _ currency: String) -> GatewayError {
        .init(
            .unprocessableContent, "refund_exceeds_remaining",
            "the refund exceeds what remains refundable (\(remaining) minor units of \(currency), counting pending refunds)")
    }
    static func paymentNotFound() -> GatewayError { .init(.notFound, "payment_not_found", "no such payment") }
    static func refundNotFound() -> GatewayError { .init(.notFound, "refund_not_found", "no such refund") }
    static let internalError = GatewayError(
        .internalServerError, "internal_error", "an internal error occurred; the request id is in the logs")
}
