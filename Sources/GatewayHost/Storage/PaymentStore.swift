import Foundation

/// What `insertPayment` found or did.
enum PaymentInsertResult: Sendable {
    /// The payment was stored (state processing).
    case inserted(PaymentRecord)
    /// A payment with this merchant order id already exists.
    case existing(PaymentRecord)
}

/// What `insertRefund` found or did.
enum RefundInsertResult: Sendable {
    /// The refund was stored (state processing).
    case inserted(RefundRecord)
    /// A refund with this merchant refund id already exists.
    case existing(RefundRecord)
    /// The payment is not in a refundable state.
    case paymentNotRefundable(PaymentRecord)
    /// The refund would exceed what remains: processing, pending and succeeded refunds count.
    case exceedsRemaining(remaining: Int64)
}

/// The ledger: the durable record of payments, refunds and every state change.
///
/// Uniqueness (merchant, merchant order id) and the refund limit are enforced inside the store's own
/// transactions, so that they also hold when several gateway processes share one database.
protocol PaymentStore: Sendable {
    /// Stores a new payment unless (merchant, merchant order id) exists; atomic.
    func insertPayment(_ payment: PaymentRecord) async throws -> PaymentInsertResult
    /// A payment by id.
    func payment(id: String) async throws -> PaymentRecord?
    /// A payment by merchant order id.
    func payment(merchantId: String, merchantOrderId: String) async throws -> PaymentRecord?
    /// Applies a state change if it is an allowed transition from the current state; returns the row as stored.
    func updatePayment(id: String, with update: OutcomeUpdate, at now: Date) async throws -> PaymentRecord?

    /// Stores a new refund unless its id exists, the payment is not succeeded, or it exceeds what remains; atomic.
    func insertRefund(_ refund: RefundRecord, paymentAmount: Int64) async throws -> RefundInsertResult
    /// A refund by id.
    func refund(id: String) async throws -> RefundRecord?
    /// Applies a state change to a refund, as `updatePayment`.
    func updateRefund(id: String, with update: OutcomeUpdate, at now: Date) async throws -> RefundRecord?
    /// Sum of a payment's refunds that count against it (processing, pending, succeeded) and of the succeeded ones.
    func refundTotals(paymentId: String) async throws -> (committed: Int64, succeeded: Int64)

    /// The audit trail of a payment or refund, oldest first.
    func transitions(transactionId: String) async throws -> [TransitionRecord]
}
