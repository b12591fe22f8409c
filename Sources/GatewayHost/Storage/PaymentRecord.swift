import ChannelKit
import Foundation

/// Where a payment or refund stands: the state machine, in one place.
///
///     created ──▶ processing ──▶ succeeded | declined | pending
///                                pending ──▶ succeeded | declined
///
/// `created` exists only inside the transaction that stores a new row, which is already `processing`
/// when it commits (the bank is called right after); its audit trail starts with created → processing.
/// No transition leaves a final state.
enum TransactionStatus: String, Codable, Sendable, CaseIterable {
    /// Accepted, not yet stored as sent.
    case created
    /// Stored, the bank is being called (or the gateway stopped while calling it).
    case processing
    /// The bank's answer is not known yet; resolved later by query or notification.
    case pending
    /// Confirmed by the bank. Final.
    case succeeded
    /// Refused by the bank, or never sent. Final.
    case declined

    /// Whether no transition leaves this status.
    var isFinal: Bool { self == .succeeded || self == .declined }

    /// Whether `next` is an allowed transition from this status.
    func canMove(to next: TransactionStatus) -> Bool {
        switch (self, next) {
        case (.created, .processing),
            (.processing, .succeeded), (.processing, .declined), (.processing, .pending),
            (.pending, .succeeded), (.pending, .declined):
            true
        default:
            false
        }
    }
}

/// A payment as stored: its current attempt's state. `transactionId` is the id the bank sees for that attempt —
/// `id` for the first one; a payment that failed over to another channel (`PaymentService`, ChannelKit 2.0's
/// one rule) has a fresh id per attempt, and its earlier attempts are `PaymentAttempt`s.
struct PaymentRecord: Sendable, Equatable {
    var id: String
    var merchantId: String
    var merchantOrderId: String
    var channelId: String
    var amount: Int64
    var currency: String
    var subject: String
    var notifyURL: String?
    var metadata: [String: String]?
    var status: TransactionStatus
    var bankTransactionId: String?
    var bankCode: String?
    var bankMessage: String?
    var notProcessed: Bool
    /// The typed reason of a declined row (`DeclineReason`) or the cause of a pending one (`PendingCause`), as
    /// its raw value; nil for other states and for rows written before ledger v3.
    var outcomeReason: String? = nil
    var createdAt: Date
    var updatedAt: Date
    var finishedAt: Date?
    /// The current attempt's bank-visible id when it is not the first attempt (nil: `id`).
    var attemptId: String? = nil
    /// The current attempt's number, from 1.
    var attemptNumber = 1

    /// The transaction id the bank sees for the current attempt.
    var transactionId: String { attemptId ?? id }
}

/// An earlier attempt of a payment, superseded by the next one: it was not sent, or its bank refused it with a
/// reason the plugin types as safe to try elsewhere. Always declined; its own bank-visible id.
struct PaymentAttempt: Sendable, Equatable {
    var id: String
    var paymentId: String
    var number: Int
    var channelId: String
    var amount: Int64
    var currency: String
    var bankTransactionId: String?
    var bankCode: String?
    var bankMessage: String?
    var outcomeReason: String?
    var createdAt: Date
    var finishedAt: Date
    /// Why the next attempt was tried (shown to ops and merchants).
    var nextReason: String
}

/// A refund as stored. `id` is also the refund id the bank sees.
struct RefundRecord: Sendable, Equatable {
    var id: String
    var paymentId: String
    var merchantId: String
    var merchantRefundId: String
    var amount: Int64
    var currency: String
    var reason: String
    var status: TransactionStatus
    var bankTransactionId: String?
    var bankCode: String?
    var bankMessage: String?
    var notProcessed: Bool
    /// The typed reason of a declined row (`DeclineReason`) or the cause of a pending one (`PendingCause`), as
    /// its raw value; nil for other states and for rows written before ledger v3.
    var outcomeReason: String? = nil
    var createdAt: Date
    var updatedAt: Date
    var finishedAt: Date?
}

/// One stored state change: the audit trail.
struct TransitionRecord: Sendable, Equatable {
    var transactionId: String
    var kind: TransactionKind
    var from: TransactionStatus?
    var to: TransactionStatus
    var cause: String
    var bankCode: String?
    var bankMessage: String?
    /// The decline reason or pending cause this transition recorded.
    var outcomeReason: String? = nil
    var at: Date
}

/// A state change to apply to a stored payment or refund.
struct OutcomeUpdate: Sendable {
    var status: TransactionStatus
    var bankTransactionId: String?
    var bankCode: String?
    var bankMessage: String?
    var notProcessed: Bool
    /// `DeclineReason` or `PendingCause` raw value.
    var outcomeReason: String?
    var finishedAt: Date?
    var cause: String
    /// For a move to pending: when recovery should first query it.
    var nextCheckAt: Date?

    init(_ outcome: ChannelOutcome, cause: String, now: Date, nextCheckAt: Date? = nil) {
        switch outcome.status {
        case .succeeded: status = .succeeded
        case .declined: status = .declined
        case .pending: status = .pending
        }
        bankTransactionId = outcome.bankTransactionId
        bankCode = outcome.bankCode
        bankMessage = outcome.bankMessage
        notProcessed = outcome.notProcessed
        outcomeReason = OutcomeMetrics.reason(of: outcome)
        finishedAt = status.isFinal ? (outcome.finishedAt ?? now) : nil
        self.cause = cause
        self.nextCheckAt = status.isFinal ? nil : (nextCheckAt ?? now)
    }
}
