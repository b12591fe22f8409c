import ChannelKit
import Foundation

/// A payment or refund that is not final yet, as the recovery worker sees it.
struct OpenTransaction: Sendable, Equatable {
    var kind: TransactionKind
    /// The row's id (the payment or refund id).
    var id: String
    /// The id the bank knows it by: a refund's id, a payment's current attempt's id.
    var transactionId: String
    var status: TransactionStatus
    /// The channel it was sent through (a refund's is its payment's).
    var channelId: String
    var amount: Int64
    var currency: String
    /// When it was sent: a refund's creation, a payment's current attempt's start.
    var createdAt: Date
    /// Checks so far that learned nothing final.
    var attempts: Int
    var nextCheckAt: Date
}

/// Refund sums of one payment.
struct RefundTotals: Sendable, Equatable {
    /// Processing, pending and succeeded refunds: what is no longer refundable.
    var committed: Int64
    /// Succeeded refunds.
    var succeeded: Int64
}

/// Open transactions, for the ops metric.
struct OpenCounts: Sendable, Equatable {
    var open: Int
    /// Open and older than the configured alert age.
    var overdue: Int
}
