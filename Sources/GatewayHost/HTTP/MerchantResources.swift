import ChannelKit
import Foundation

/// `POST /v1/payments` body.
struct CreatePaymentBody: Decodable, Sendable {
    var merchant_order_id: String
    var amount: Int64
    var currency: String
    var subject: String
    var channel: String?
    var notify_url: String?
    var metadata: [String: String]?
    /// The payer's bank and region, when known: routing rules may match on them (docs/ROUTING.md).
    var payer: Payer?

    struct Payer: Decodable, Sendable {
        var bank: String?
        var region: String?
    }
}

/// `POST /v1/payments/{id}/refunds` body.
struct CreateRefundBody: Decodable, Sendable {
    var merchant_refund_id: String
    var amount: Int64
    var reason: String?
}

/// A payment as the merchant API shows it.
struct PaymentResource: Encodable, Sendable {
    var id: String
    var object = "payment"
    var merchant_order_id: String
    var status: String
    var amount: Int64
    var currency: String
    var subject: String
    var channel: String
    var refunded_amount: Int64
    var refundable_amount: Int64
    var bank_transaction_id: String?
    var bank_code: String?
    var bank_message: String?
    var not_processed: Bool
    /// Why a declined payment was declined: `channel_unreachable` (nothing reached the bank),
    /// `not_processed` (the bank refused to process it), `bank_declined`; null unless declined.
    var decline_code: String?
    /// The typed reason of a decline (`not_sent`, `refused_try_elsewhere`, `refused_retry_here`, `declined`).
    var decline_reason: String?
    /// Why the outcome is still unknown while pending (`timeout`, `busy`, `processing`...).
    var pending_cause: String?
    /// Open for longer than the gateway's alert age: ops are looking at it.
    var needs_attention: Bool
    var notify_url: String?
    var metadata: [String: String]?
    var created_at: Date
    var updated_at: Date
    var finished_at: Date?
    /// Every attempt, oldest first: each on one channel with its own bank-visible `transaction_id`; the last is
    /// the payment's current state, the earlier ones were not sent or refused safe to try elsewhere.
    var attempts: [AttemptResource]

    /// `earlier`: the payment's superseded attempts (`PaymentStore.attempts`), read only when it has some.
    init(_ record: PaymentRecord, refunds: RefundTotals, needsAttention: Bool, earlier: [PaymentAttempt] = []) {
        id = record.id
        merchant_order_id = record.merchantOrderId
        status = record.status.rawValue
        amount = record.amount
        currency = record.currency
        subject = record.subject
        channel = record.channelId
        refunded_amount = refunds.succeeded
        refundable_amount = record.status == .succeeded ? record.amount - refunds.committed : 0
        bank_transaction_id = record.bankTransactionId
        bank_code = record.bankCode
        bank_message = record.bankMessage
        not_processed = record.notProcessed
        decline_code = DeclineCode.of(
            status: record.status, reason: record.outcomeReason, bankCode: record.bankCode, notProcessed: record.notProcessed)
        decline_reason = DeclineCode.declineReason(status: record.status, stored: record.outcomeReason)?.rawValue
        pending_cause = DeclineCode.pendingCause(status: record.status, stored: record.outcomeReason)?.rawValue
        needs_attention = needsAttention
        notify_url = record.notifyURL
        metadata = record.metadata
        created_at = record.createdAt
        updated_at = record.updatedAt
        finished_at = record.finishedAt
        attempts = earlier.map(AttemptResource.init) + [AttemptResource(current: record, startedAt: earlier.last?.finishedAt)]
    }
}

/// One attempt of a payment.
struct AttemptResource: Encodable, Sendable {
    var number: Int
    var channel: String
    /// The id the bank knows this attempt by.
    var transaction_id: String
    var status: String
    var decline_reason: String?
    var pending_cause: String?
    var bank_code: String?
    var bank_message: String?
    var bank_transaction_id: String?
    /// Why the next attempt was tried; null for the current one.
    var failover_reason: String?
    var created_at: Date
    var finished_at: Date?

    init(_ attempt: PaymentAttempt) {
        number = attempt.number
        channel = attempt.channelId
        transaction_id = attempt.id
        status = TransactionStatus.declined.rawValue
        decline_reason = attempt.outcomeReason
        bank_code = attempt.bankCode
        bank_message = attempt.bankMessage
        bank_transaction_id = attempt.bankTransactionId
        failover_reason = attempt.nextReason
        created_at = attempt.createdAt
        finished_at = attempt.finishedAt
    }

    init(current record: PaymentRecord, startedAt: Date?) {
        number = record.attemptNumber
        channel = record.channelId
        transaction_id = record.transactionId
        status = record.status.rawValue
        decline_reason = DeclineCode.declineReason(status: record.status, stored: record.outcomeReason)?.rawValue
        pending_cause = DeclineCode.pendingCause(status: record.status, stored: record.outcomeReason)?.rawValue
        bank_code = record.bankCode
        bank_message = record.bankMessage
        bank_transaction_id = record.bankTransactionId
        created_at = startedAt ?? record.createdAt
        finished_at = record.finishedAt
    }
}

/// A refund as the merchant API shows it.
struct RefundResource: Encodable, Sendable {
    var id: String
    var object = "refund"
    var payment_id: String
    var merchant_refund_id: String
    var status: String
    var amount: Int64
    var currency: String
    var reason: String
    var bank_transaction_id: String?
    var bank_code: String?
    var bank_message: String?
    var not_processed: Bool
    var decline_code: String?
    var decline_reason: String?
    var pending_cause: String?
    var needs_attention: Bool
    var created_at: Date
    var updated_at: Date
    var finished_at: Date?

    init(_ record: RefundRecord, needsAttention: Bool) {
        id = record.id
        payment_id = record.paymentId
        merchant_refund_id = record.merchantRefundId
        status = record.status.rawValue
        amount = record.amount
        currency = record.currency
        reason = record.reason
        bank_transaction_id = record.bankTransactionId
        bank_code = record.bankCode
        bank_message = record.bankMessage
        not_processed = record.notProcessed
        decline_code = DeclineCode.of(
            status: record.status, reason: record.outcomeReason, bankCode: record.bankCode, notProcessed: record.notProcessed)
        decline_reason = DeclineCode.declineReason(status: record.status, stored: record.outcomeReason)?.rawValue
        pending_cause = DeclineCode.pendingCause(status: record.status, stored: record.outcomeReason)?.rawValue
        needs_attention = needsAttention
        created_at = record.createdAt
        updated_at = record.updatedAt
        finished_at = record.finishedAt
    }
}

/// The merchant-facing reason of a decline.
enum DeclineCode {
    /// From the typed decline reason (ChannelKit 2.0): `channel_unreachable` (nothing sent: no connection),
    /// `channel_rejected` (nothing sent: the channel refused the request before sending it), `not_processed`,
    /// `bank_declined`. A row without a reason it knows falls back on the not-processed flag.
    static func of(status: TransactionStatus, reason: String?, bankCode: String?, notProcessed: Bool) -> String? {
        guard status == .declined else { return nil }
        switch declineReason(status: status, stored: reason) {
        case .notSent:
            let rejected = bankCode.map { PaymentChannelError.Code.rejectsBeforeSending.contains(.init(rawValue: $0)) } ?? false
            return rejected ? "channel_rejected" : "channel_unreachable"
        case .refusedTryElsewhere, .refusedRetryHere: return "not_processed"
        case .declined: return "bank_declined"
        default: return notProcessed ? "not_processed" : "bank_declined"
        }
    }

    /// The stored reason of a declined row, if it is a decline reason (a row moved to declined by an older
    /// gateway during a rolling upgrade may still carry its earlier pending cause).
    static func declineReason(status: TransactionStatus, stored: String?) -> DeclineReason? {
        status == .declined ? stored.flatMap(DeclineReason.init(rawValue:)) : nil
    }

    /// The stored cause of a pending row, if it is a pending cause.
    static func pendingCause(status: TransactionStatus, stored: String?) -> PendingCause? {
        status == .pending ? stored.flatMap(PendingCause.init(rawValue:)) : nil
    }
}

/// A list answer: `{"object": "list", "data": [...]}`.
struct ListResource<Item: Encodable & Sendable>: Encodable, Sendable {
    var object = "list"
    var data: [Item]
}

/// One entry of a payment's or refund's audit trail.
struct TransitionResource: Encodable, Sendable {
    var from: String?
    var to: String
    var cause: String
    var bank_code: String?
    var bank_message: String?
    /// The decline reason or pending cause the move recorded.
    var outcome_reason: String?
    var at: Date

    init(_ record: TransitionRecord) {
        from = record.from?.rawValue
        to = record.to.rawValue
        cause = record.cause
        bank_code = record.bankCode
        bank_message = record.bankMessage
        outcome_reason = record.outcomeReason
        at = record.at
    }
}

/// A webhook event with its delivery attempts.
struct WebhookEventResource: Encodable, Sendable {
    struct Attempt: Encodable, Sendable {
        var number: Int
        var at: Date
        var url: String
        var http_status: Int?
        var error: String?
        var duration_ms: Int64
    }

    var id: String
    var object = "event"
    var type: String
    var state: String
    var url: String?
    var attempt_count: Int
    var next_attempt_at: Date?
    var created_at: Date
    var attempts: [Attempt]

    init(_ event: WebhookEvent) {
        id = event.id
        type = event.type
        state = event.state.rawValue
        url = event.url
        attempt_count = event.attemptCount
        next_attempt_at = event.state == .pending ? event.nextAttemptAt : nil
        created_at = event.createdAt
        attempts = event.attempts.map {
            Attempt(number: $0.number, at: $0.at, url: $0.url, http_status: $0.httpStatus, error: $0.error, duration_ms: $0.durationMs)
        }
    }
}
