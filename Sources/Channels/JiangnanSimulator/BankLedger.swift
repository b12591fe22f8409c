import SimulatorSupport
import JiangnanProtocol

/// The bank's books: payments, refunds, seen nonces, and the logs of requests and notifications.
///
/// All state changes happen here, so concurrent requests with the same ids can never charge twice.
actor BankLedger {
    /// The result of a pay request that passed authentication and validation.
    enum PayOutcome: Sendable {
        /// A new transaction was recorded.
        case created(PaymentRecord)
        /// The `out_trade_no` is known with the same amount and currency: its current state.
        case existing(PaymentRecord)
        /// The `out_trade_no` is known with a different amount or currency (2004).
        case mismatch
        /// Refused without recording anything (9998 / 9999).
        case refused(code: String)
    }

    /// The result of a refund request that passed authentication and validation.
    enum RefundOutcome: Sendable {
        /// A new refund was recorded.
        case created(RefundRecord)
        /// The `out_refund_no` is known with the same content: its current state.
        case existing(RefundRecord)
        /// The `out_refund_no` is known with different content (2004).
        case mismatch
        /// No such payment for this merchant, or it is not `SUCCESS` (3004).
        case paymentNotRefundable
        /// The refund would exceed the paid amount (2003).
        case exceedsPaidAmount
        /// Refused without recording anything (9998).
        case refused(code: String)
    }

    private struct Key: Hashable {
        var merchantNo: String
        var id: String
    }

    private let feeBasisPoints: Int64
    private var payments: [Key: PaymentRecord] = [:]
    private var paymentOrder: [Key] = []
    private var refunds: [Key: RefundRecord] = [:]
    private var refundOrder: [Key] = []
    private var nextSequence: Int64 = 1
    /// Per merchant: nonce → sim-clock milliseconds when first seen.
    private var nonces: [String: [String: Int64]] = [:]
    private var noncesPrunedAt: Int64?
    private var requests: [RequestLogEntry] = []
    private var notifications: [NotificationLogEntry] = []

    /// A ledger charging `feeBasisPoints` / 10 000 of every successful payment.
    init(feeBasisPoints: Int64) {
        self.feeBasisPoints = feeBasisPoints
    }

    // MARK: Nonces

    /// Records a nonce; `false` when the merchant used it within the last 24 h.
    func admitNonce(_ nonce: String, merchantNo: String, now: Int64) -> Bool {
        pruneNonces(now: now)
        if let seen = nonces[merchantNo]?[nonce], now - seen < JiangnanRules.nonceMemoryMilliseconds {
            return false
        }
        nonces[merchantNo, default: [:]][nonce] = now
        return true
    }

    private func pruneNonces(now: Int64) {
        if let last = noncesPrunedAt, now >= last, now - last < 60_000 { return }
        noncesPrunedAt = now
        for merchant in nonces.keys {
            nonces[merchant] = nonces[merchant]?.filter { now - $0.value < JiangnanRules.nonceMemoryMilliseconds }
        }
    }

    // MARK: Payments

    /// Handles a validated pay request.
    func pay(
        merchantNo: String, body: JiangnanPayBody, scenario: PayScenario, now: Int64
    ) -> PayOutcome {
        let key = Key(merchantNo: merchantNo, id: body.out_trade_no)
        if let existing = payments[key] {
            guard existing.amount == body.amount, existing.currency == body.currency else { return .mismatch }
            return .existing(existing)
        }
        var payment = PaymentRecord(
            merchantNo: merchantNo, outTradeNo: body.out_trade_no, tradeNo: "", amount: body.amount,
            currency: body.currency, subject: body.subject, notifyURL: body.notify_url, status: .success,
            finishedAtMilliseconds: now, failCode: "", failMessage: "", fee: 0)
        switch scenario {
        case .busy:
            return .refused(code: JiangnanCode.busy)
        case .systemError:
            return .refused(code: JiangnanCode.systemError)
        case .success, .slow:
            payment.fee = fee(for: body.amount)
        case .processing:
            payment.status = .processing
            payment.finishedAtMilliseconds = nil
        case .insufficientFunds:
            payment.status = .failed
            payment.failCode = JiangnanCode.insufficientFunds
            payment.failMessage = JiangnanCode.message(for: JiangnanCode.insufficientFunds)
        case .frozen:
            payment.status = .failed
            payment.failCode = JiangnanCode.accountFrozen
            payment.failMessage = JiangnanCode.message(for: JiangnanCode.accountFrozen)
        }
        payment.tradeNo = takeBankNumber()
        payments[key] = payment
        paymentOrder.append(key)
        return .created(payment)
    }

    /// Completes a `PROCESSING` payment as `SUCCESS`; the payment when it changed, `nil` otherwise.
    func completeProcessingPayment(merchantNo: String, outTradeNo: String, now: Int64) -> PaymentRecord? {
        let key = Key(merchantNo: merchantNo, id: outTradeNo)
        guard var payment = payments[key], payment.status == .processing else { return nil }
        payment.status = .success
        payment.finishedAtMilliseconds = now
        payment.fee = fee(for: payment.amount)
        payments[key] = payment
        return payment
    }

    /// A payment of this merchant.
    func payment(merchantNo: String, outTradeNo: String) -> PaymentRecord? {
        payments[Key(merchantNo: merchantNo, id: outTradeNo)]
    }

    // MARK: Refunds

    /// Handles a validated refund request. Refunds succeed at once; with `refuseNew` (`busy`) a refund not seen
    /// before is refused with 9998 and nothing is recorded.
    func refund(merchantNo: String, body: JiangnanRefundBody, refuseNew: Bool = false, now: Int64) -> RefundOutcome {
        let key = Key(merchantNo: merchantNo, id: body.out_refund_no)
        if let existing = refunds[key] {
            guard existing.outTradeNo == body.out_trade_no, existing.refundAmount == body.refund_amount else {
                return .mismatch
            }
            return .existing(existing)
        }
        if refuseNew { return .refused(code: JiangnanCode.busy) }
        guard let payment = payments[Key(merchantNo: merchantNo, id: body.out_trade_no)], payment.status == .success
        else { return .paymentNotRefundable }
        let committed = refundedAmount(merchantNo: merchantNo, outTradeNo: body.out_trade_no)
        guard body.refund_amount <= payment.amount - committed else { return .exceedsPaidAmount }
        let refund = RefundRecord(
            merchantNo: merchantNo, outRefundNo: body.out_refund_no, outTradeNo: body.out_trade_no,
            refundNo: takeBankNumber(), refundAmount: body.refund_amount, reason: body.reason, status: .success,
            finishedAtMilliseconds: now)
        refunds[key] = refund
        refundOrder.append(key)
        return .created(refund)
    }

    /// A refund of this merchant.
    func refund(merchantNo: String, outRefundNo: String) -> RefundRecord? {
        refunds[Key(merchantNo: merchantNo, id: outRefundNo)]
    }

    /// The sum of a payment's `SUCCESS` and `PROCESSING` refunds.
    private func refundedAmount(merchantNo: String, outTradeNo: String) -> Int64 {
        refundOrder.lazy.compactMap { self.refunds[$0] }
            .filter { $0.merchantNo == merchantNo && $0.outTradeNo == outTradeNo && $0.status != .failed }
            .reduce(0) { $0 + $1.refundAmount }
    }

    // MARK: Statement

    /// A merchant's payments and refunds, in the order they were recorded.
    func transactions(merchantNo: String) -> (payments: [PaymentRecord], refunds: [RefundRecord]) {
        (
            paymentOrder.compactMap { payments[$0] }.filter { $0.merchantNo == merchantNo },
            refundOrder.compactMap { refunds[$0] }.filter { $0.merchantNo == merchantNo }
        )
    }

    // MARK: Logs

    /// Appends a request to the request log.
    func log(_ entry: RequestLogEntry) {
        requests.append(entry)
    }

    /// Appends a notification attempt to the notification log.
    func log(_ entry: NotificationLogEntry) {
        notifications.append(entry)
    }

    /// Everything the bank knows, for `GET /_sim/record`.
    func record() -> SimulatorRecord {
        SimulatorRecord(
            requests: requests,
            payments: paymentOrder.compactMap { payments[$0] }.map { p in
                SimulatorRecord.Payment(
                    merchant_no: p.merchantNo, out_trade_no: p.outTradeNo, trade_no: p.tradeNo, amount: p.amount,
                    currency: p.currency, subject: p.subject, status: p.status.rawValue, finished_at: p.finishedAt,
                    fail_code: p.failCode, fee: p.fee, notify_url: p.notifyURL,
                    refunded_amount: refundedAmount(merchantNo: p.merchantNo, outTradeNo: p.outTradeNo))
            },
            refunds: refundOrder.compactMap { refunds[$0] }.map { r in
                SimulatorRecord.Refund(
                    merchant_no: r.merchantNo, out_refund_no: r.outRefundNo, out_trade_no: r.outTradeNo,
                    refund_no: r.refundNo, refund_amount: r.refundAmount, status: r.status.rawValue,
                    finished_at: r.finishedAt)
            },
            notifications: notifications)
    }

    // MARK: Helpers

    /// The next bank id, `JN` + 18 digits, shared by payments and refunds.
    private func takeBankNumber() -> String {
        let digits = String(nextSequence)
        nextSequence += 1
        return "JN" + String(repeating: "0", count: max(0, 18 - digits.count)) + digits
    }

    /// round-half-up(amount × fee_bp / 10 000).
    private func fee(for amount: Int64) -> Int64 {
        (amount * feeBasisPoints + 5_000) / 10_000
    }
}
