import ChannelKit
import Foundation

/// One event for a merchant in the transactional outbox: written in the same transaction as the final
/// state it announces, then delivered (with retries) by `WebhookDispatcher`.
struct WebhookEvent: Sendable, Equatable {
    enum State: String, Sendable, Codable {
        /// Waiting for its next attempt.
        case pending
        /// A 2xx answer was received.
        case delivered
        /// The attempt limit was reached without a 2xx.
        case failed
        /// Neither the payment nor the merchant has a notify URL.
        case noEndpoint = "no_endpoint"
    }

    /// `evt_` + the transaction id + the final status: one event per final state.
    var id: String
    var merchantId: String
    var transactionId: String
    var kind: TransactionKind
    /// `payment.succeeded`, `payment.declined`, `refund.succeeded`, `refund.declined`.
    var type: String
    /// The notify URL given with the payment, if any (else the merchant's default is used at delivery).
    var url: String?
    /// The payload as first sent; nil until the first attempt.
    var body: String?
    var state: State
    var attemptCount: Int
    var nextAttemptAt: Date?
    var createdAt: Date
    var attempts: [WebhookAttempt] = []

    static func id(transactionId: String, status: TransactionStatus) -> String { "evt_\(transactionId)_\(status.rawValue)" }
}

/// One delivery attempt of a webhook event.
struct WebhookAttempt: Sendable, Equatable {
    var number: Int
    var at: Date
    var url: String
    /// The HTTP status answered, nil when no answer came.
    var httpStatus: Int?
    /// Why the attempt failed without an answer (connection refused, timeout, …).
    var error: String?
    var durationMs: Int64
}
