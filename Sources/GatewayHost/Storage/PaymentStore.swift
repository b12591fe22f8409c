import Foundation

/// What `insertPayment` found or did.
enum PaymentInsertResult: Sendable {
    /// The payment was stored (state processing).
    case inserted(PaymentRecord)
    /// A payment with this merchant order id already exists.
    case existing(PaymentRecord)
    /// A daily limit has no room for it: nothing was stored (the nonce neither).
    case limitExceeded(LimitRefusal)
    /// The request's nonce was seen before: nothing was stored.
    case replayedNonce
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
    /// The request's nonce was seen before: nothing was stored.
    case replayedNonce
}

/// The ledger: the durable record of payments, refunds, every state change, the webhook outbox and the
/// merchant request nonces.
///
/// Every rule that must also hold when several gateway processes share one database lives inside the
/// store's own transactions: uniqueness of (merchant, merchant order id) and (merchant, merchant refund id),
/// the refund limit, the state machine (a row moves only from the state it was read in), the outbox row
/// written in the same transaction as the final state, one recovery check or webhook attempt at a time
/// (compare-and-set claims), and nonce uniqueness. Two implementations: `SQLitePaymentStore` (embedded
/// default) and `PostgresPaymentStore`; `Tests/GatewayHostTests/Storage` runs one suite against both.
protocol PaymentStore: ReconciliationStore {
    // MARK: payments

    /// Stores a new payment unless (merchant, merchant order id) exists, reserving its amount and a count of one
    /// on each of `holds` (its daily limit counters; in the order given); atomic: when one of them has no room,
    /// nothing is stored or reserved. `checkAt` is when recovery may first look at it if it is still processing
    /// (the bank call must be over by then). A move to declined releases the holds (`updatePayment`).
    ///
    /// `nonce`, when given, is recorded in the same transaction, first (`registerNonce`'s rule): a nonce seen
    /// before stores nothing (`replayedNonce`); it stays recorded when the order id exists (`existing`) and is
    /// marked recorded once the transaction committed. A limit refusal rolls it back with everything else.
    func insertPayment(_ payment: PaymentRecord, checkAt: Date, holds: [LimitHold], nonce: MerchantNonce?) async throws
        -> PaymentInsertResult
    /// A payment by id.
    func payment(id: String) async throws -> PaymentRecord?
    /// A payment by merchant order id.
    func payment(merchantId: String, merchantOrderId: String) async throws -> PaymentRecord?
    /// Applies a state change if it is an allowed transition from the current state; returns the row as stored.
    /// A move to a final state also writes the webhook event to the outbox, in the same transaction.
    func updatePayment(id: String, with update: OutcomeUpdate, at now: Date) async throws -> PaymentRecord?

    /// The payment whose current attempt the bank knows by `transactionId` (the payment id for a first attempt).
    func payment(transactionId: String) async throws -> PaymentRecord?
    /// A payment's superseded attempts, oldest first.
    func attempts(paymentId: String) async throws -> [PaymentAttempt]
    /// Ends a payment's current attempt as `failover.outcome` (declined: not sent, or refused with a reason safe
    /// to try elsewhere) and starts the next one on another channel with its own bank-visible id, atomically: the
    /// ended attempt becomes a `PaymentAttempt`, its limit holds are released and the next channel's reserved, the
    /// payment stays processing. Only if the payment is still processing on `failover.fromTransactionId`.
    func failoverPayment(_ failover: Failover, at now: Date) async throws -> FailoverResult

    /// The circuit breaker states ops forced, by channel id.
    func breakerOverrides() async throws -> [String: ChannelBreakers.Override]
    /// Forces a channel's breaker, or (nil) gives it back to the automatic state.
    func setBreakerOverride(channelId: String, _ override: ChannelBreakers.Override?) async throws

    /// The amount and count each counter holds (zero for a counter nobody reserved on).
    func limitUsage(_ counters: [LimitCounter]) async throws -> [LimitCounter: LimitUsage]
    /// Forgets the limit counters of days before `day` (yyyy-MM-dd); returns how many rows went. A payment of
    /// such a day still open releases nothing when it is declined (its counter is gone with its day).
    @discardableResult
    func purgeLimitCounters(before day: String) async throws -> Int

    // MARK: refunds

    /// Stores a new refund unless its id exists, the payment is not succeeded, or it exceeds what remains; atomic.
    /// `nonce` as in `insertPayment`: recorded first in the same transaction (kept when the refund is refused or
    /// exists: those answers change nothing else).
    func insertRefund(_ refund: RefundRecord, checkAt: Date, nonce: MerchantNonce?) async throws -> RefundInsertResult
    /// A refund by id.
    func refund(id: String) async throws -> RefundRecord?
    /// A refund by merchant refund id.
    func refund(merchantId: String, merchantRefundId: String) async throws -> RefundRecord?
    /// Applies a state change to a refund, as `updatePayment`.
    func updateRefund(id: String, with update: OutcomeUpdate, at now: Date) async throws -> RefundRecord?
    /// Sum of a payment's refunds that count against it (processing, pending, succeeded) and of the succeeded ones.
    func refundTotals(paymentId: String) async throws -> RefundTotals

    /// The audit trail of a payment or refund, oldest first.
    func transitions(transactionId: String) async throws -> [TransitionRecord]

    // MARK: recovery

    /// Open (processing or pending) payments and refunds whose next check is due, oldest check first.
    func dueChecks(now: Date, limit: Int) async throws -> [OpenTransaction]
    /// Takes a due check for this process: moves its next check time from `transaction.nextCheckAt` to
    /// `until` if nobody else did. False when another process (or a state change) got there first.
    func claimCheck(_ transaction: OpenTransaction, until: Date) async throws -> Bool
    /// After a check that learned nothing final: counts the attempt and sets the next check time.
    func rescheduleCheck(_ transaction: OpenTransaction, attempts: Int, next: Date) async throws
    /// How many payments and refunds are open, and how many of them were created before `overdueBefore`.
    func openCounts(overdueBefore: Date) async throws -> OpenCounts
    /// Open payments (processing or pending) created before `createdBefore`, oldest first.
    func openPayments(createdBefore: Date, limit: Int) async throws -> [PaymentRecord]
    /// A channel's payments created since `since`, counted and summed by status and currency.
    func channelTotals(channelId: String, since: Date) async throws -> [ChannelTotal]
    /// Open payments and refunds (processing or pending) per channel id; channels with none are absent.
    func openTransactionsByChannel() async throws -> [String: Int]

    // MARK: merchant request nonces

    /// Records a nonce of a merchant; false when it was already recorded (a replay). Atomic across processes.
    func registerNonce(merchantId: String, nonce: String, at: Date) async throws -> Bool
    /// Forgets nonces recorded before `before` (they are older than any acceptable timestamp).
    func purgeNonces(before: Date) async throws

    // MARK: webhook outbox

    /// Outbox events waiting for delivery whose next attempt is due, oldest first.
    func dueWebhooks(now: Date, limit: Int) async throws -> [WebhookEvent]
    /// Takes a due event for this process (compare-and-set on its next attempt time, as `claimCheck`).
    func claimWebhook(_ event: WebhookEvent, until: Date) async throws -> Bool
    /// Stores one delivery attempt and the event's new state, atomically. `body` freezes the payload the
    /// first time it is rendered, so every attempt sends the same bytes.
    func recordWebhookAttempt(_ attempt: WebhookAttempt, event: WebhookEvent, body: String, state: WebhookEvent.State, next: Date?)
        async throws
    /// The webhook events of a payment or refund with all their attempts, oldest first.
    func webhooks(transactionId: String) async throws -> [WebhookEvent]
}

/// Payments of one channel in one status and currency: how many, and their amount in minor units.
struct ChannelTotal: Sendable, Equatable {
    var status: TransactionStatus
    var currency: String
    var count: Int
    var amount: Int64
}

extension PaymentStore {
    /// A payment with no daily limits.
    func insertPayment(_ payment: PaymentRecord, checkAt: Date) async throws -> PaymentInsertResult {
        try await insertPayment(payment, checkAt: checkAt, holds: [], nonce: nil)
    }

    /// A payment whose request's nonce is recorded elsewhere (or has none).
    func insertPayment(_ payment: PaymentRecord, checkAt: Date, holds: [LimitHold]) async throws -> PaymentInsertResult {
        try await insertPayment(payment, checkAt: checkAt, holds: holds, nonce: nil)
    }

    /// A refund whose request's nonce is recorded elsewhere (or has none).
    func insertRefund(_ refund: RefundRecord, checkAt: Date) async throws -> RefundInsertResult {
        try await insertRefund(refund, checkAt: checkAt, nonce: nil)
    }
}

/// A payment's move to its next attempt (`PaymentStore.failoverPayment`).
struct Failover: Sendable {
    var paymentId: String
    /// The current attempt's bank-visible id: the move happens only if it is still the current one.
    var fromTransactionId: String
    /// The ended attempt's answer (declined).
    var outcome: OutcomeUpdate
    /// Why the next attempt is tried.
    var reason: String
    var nextAttemptId: String
    var nextChannelId: String
    /// The next channel's limit holds.
    var holds: [LimitHold]
    /// When recovery may first look at the next attempt if it is still processing.
    var checkAt: Date
}

/// What `failoverPayment` did.
enum FailoverResult: Sendable {
    /// The payment, processing on its next attempt.
    case moved(PaymentRecord)
    /// The next channel's limits have no room: nothing changed.
    case limitExceeded(LimitRefusal)
    /// The payment is no longer processing on that attempt: nothing changed.
    case notCurrent
}
