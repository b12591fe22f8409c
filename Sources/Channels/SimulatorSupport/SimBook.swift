/// A simulated bank's books: payments and refunds per merchant, duplicates, refund totals, completion of
/// processing transactions, and the request and notification logs behind `/_sim/record`. Protocol-free: each
/// simulator decides codes and wire formats, the book keeps the money consistent.
public actor SimBook {
    /// A payment.
    public typealias Payment = SimRecord.Payment
    /// A refund.
    public typealias Refund = SimRecord.Refund

    /// What became of a pay request.
    public enum PayResult: Sendable {
        /// A new payment.
        case created(Payment)
        /// The same id again with the same amount and currency: the payment as it stands.
        case existing(Payment)
        /// The same id with a different amount or currency.
        case mismatch(Payment)
    }

    /// What became of a refund request.
    public enum RefundResult: Sendable {
        case created(Refund)
        case existing(Refund)
        /// The same refund id for another payment or amount.
        case mismatch(Refund)
        /// No such payment, or it did not succeed.
        case paymentNotRefundable
        /// More than what remains of the payment.
        case exceedsPaidAmount
    }

    /// What a new payment becomes.
    public enum NewStatus: Sendable, Equatable {
        case succeeded
        case processing
        /// Failed with the bank's code.
        case failed(code: String)
    }

    private struct Key: Hashable {
        var merchant: String
        var id: String
    }

    private let feeBasisPoints: Int64
    private let bankId: @Sendable (Int64) -> String
    private var payments: [Key: Payment] = [:]
    private var paymentOrder: [Key] = []
    private var refunds: [Key: Refund] = [:]
    private var refundOrder: [Key] = []
    private var refunded: [Key: Int64] = [:]
    private var nextSequence: Int64 = 1
    private var requests: [SimRecord.Request] = []
    private var notifications: [SimRecord.Notification] = []

    /// - Parameters:
    ///   - feeBasisPoints: the fee of a successful payment (round half up); refunds carry none.
    ///   - bankId: the bank's id of its n-th transaction (1, 2, …), in its own format.
    public init(feeBasisPoints: Int64, bankId: @escaping @Sendable (Int64) -> String) {
        self.feeBasisPoints = feeBasisPoints
        self.bankId = bankId
    }

    // MARK: Payments

    /// Books a payment, or answers a duplicate id with the payment as it stands.
    public func pay(
        merchant: String, id: String, amount: Int64, currency: String, subject: String, notifyURL: String,
        status: NewStatus, now: Int64
    ) -> PayResult {
        let key = Key(merchant: merchant, id: id)
        if let existing = payments[key] {
            guard existing.amount == amount, existing.currency == currency else { return .mismatch(existing) }
            return .existing(withRefunds(existing))
        }
        var payment = Payment(
            merchant: merchant, transaction_id: id, bank_transaction_id: takeBankId(), amount: amount,
            currency: currency, subject: subject, status: .succeeded, code: "", finished_at: now, fee: 0,
            notify_url: notifyURL, refunded_amount: 0)
        switch status {
        case .succeeded:
            payment.fee = fee(for: amount)
        case .processing:
            payment.status = .processing
            payment.finished_at = nil
        case .failed(let code):
            payment.status = .failed
            payment.code = code
        }
        payments[key] = payment
        paymentOrder.append(key)
        return .created(payment)
    }

    /// Completes a processing payment as succeeded; `nil` when it is not processing.
    public func completeProcessing(merchant: String, id: String, now: Int64) -> Payment? {
        let key = Key(merchant: merchant, id: id)
        guard var payment = payments[key], payment.status == .processing else { return nil }
        payment.status = .succeeded
        payment.finished_at = now
        payment.fee = fee(for: payment.amount)
        payments[key] = payment
        return payment
    }

    /// The payment with this caller's id.
    public func payment(merchant: String, id: String) -> Payment? {
        payments[Key(merchant: merchant, id: id)].map(withRefunds)
    }

    // MARK: Refunds

    /// Books a refund of a succeeded payment, or answers a duplicate refund id with the refund as it stands.
    public func refund(
        merchant: String, id: String, paymentId: String, amount: Int64, reason: String, now: Int64
    ) -> RefundResult {
        let key = Key(merchant: merchant, id: id)
        if let existing = refunds[key] {
            guard existing.payment_transaction_id == paymentId, existing.amount == amount else {
                return .mismatch(existing)
            }
            return .existing(existing)
        }
        let paymentKey = Key(merchant: merchant, id: paymentId)
        guard let payment = payments[paymentKey], payment.status == .succeeded else { return .paymentNotRefundable }
        let committed = refunded[paymentKey, default: 0]
        guard amount > 0, amount <= payment.amount - committed else { return .exceedsPaidAmount }
        let refund = Refund(
            merchant: merchant, transaction_id: id, payment_transaction_id: paymentId, bank_transaction_id: takeBankId(),
            amount: amount, reason: reason, status: .succeeded, finished_at: now)
        refunds[key] = refund
        refundOrder.append(key)
        refunded[paymentKey] = committed + amount
        return .created(refund)
    }

    /// The refund with this caller's id.
    public func refund(merchant: String, id: String) -> Refund? {
        refunds[Key(merchant: merchant, id: id)]
    }

    // MARK: Statements

    /// A merchant's final payments and refunds whose completion time lies in `window` (sim-clock milliseconds,
    /// e.g. one business day), in booking order.
    public func finished(merchant: String, in window: Range<Int64>) -> (payments: [Payment], refunds: [Refund]) {
        let payments = paymentOrder.compactMap { self.payments[$0] }.filter {
            $0.merchant == merchant && $0.status.isFinal && $0.finished_at.map(window.contains) == true
        }
        let refunds = refundOrder.compactMap { self.refunds[$0] }.filter {
            $0.merchant == merchant && $0.status.isFinal && $0.finished_at.map(window.contains) == true
        }
        return (payments, refunds)
    }

    // MARK: Logs

    /// Logs a request and its answer.
    public func log(_ request: SimRecord.Request) {
        requests.append(request)
    }

    /// Logs a notification attempt.
    public func log(_ notification: SimRecord.Notification) {
        notifications.append(notification)
    }

    /// Everything, for `/_sim/record`.
    public func record() -> SimRecord {
        SimRecord(
            requests: requests, payments: paymentOrder.compactMap { payments[$0] }.map(withRefunds),
            refunds: refundOrder.compactMap { refunds[$0] }, notifications: notifications)
    }

    // MARK: Helpers

    private func withRefunds(_ payment: Payment) -> Payment {
        var payment = payment
        payment.refunded_amount = refunded[Key(merchant: payment.merchant, id: payment.transaction_id), default: 0]
        return payment
    }

    private func takeBankId() -> String {
        defer { nextSequence += 1 }
        return bankId(nextSequence)
    }

    private func fee(for amount: Int64) -> Int64 {
        (amount * feeBasisPoints + 5_000) / 10_000
    }
}
