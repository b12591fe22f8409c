import ChannelKit
import Foundation
import JiangnanProtocol

/// The `data` of a pay, refund, query or notification, normalized across payments and refunds.
struct JiangnanTransactionState: Sendable, Equatable {
    /// Payment or refund.
    let kind: TransactionKind
    /// Our id: `out_trade_no` of a payment, `out_refund_no` of a refund.
    let transactionId: String
    /// For a refund, the payment's `out_trade_no` (may be empty).
    let paymentTransactionId: String?
    /// The bank's id (`trade_no` / `refund_no`).
    let bankTransactionId: String
    /// `SUCCESS`, `PROCESSING` or `FAILED`.
    let status: String
    /// `amount` / `refund_amount` in fen.
    let amount: Int64
    /// `finished_at`, empty while processing.
    let finishedAt: String
    /// `fail_code` (payments only).
    let failCode: String
    /// `fail_msg` (payments only).
    let failMessage: String

    init(_ data: JiangnanTradeData) {
        kind = .payment
        transactionId = data.out_trade_no
        paymentTransactionId = nil
        bankTransactionId = data.trade_no
        status = data.status
        amount = data.amount
        finishedAt = data.finished_at
        failCode = data.fail_code
        failMessage = data.fail_msg
    }

    init(_ data: JiangnanRefundData) {
        kind = .refund
        transactionId = data.out_refund_no
        paymentTransactionId = data.out_trade_no
        bankTransactionId = data.refund_no
        status = data.status
        amount = data.refund_amount
        finishedAt = data.finished_at
        failCode = ""
        failMessage = ""
    }

    /// Decodes the `data` of an envelope as a payment or refund; `nil` when it is missing or malformed.
    static func decode(_ kind: TransactionKind, envelope body: Data) -> JiangnanTransactionState? {
        let decoder = JSONDecoder()
        switch kind {
        case .payment:
            return (try? decoder.decode(JiangnanEnvelope<JiangnanTradeData>.self, from: body))?.data.map(Self.init)
        case .refund:
            return (try? decoder.decode(JiangnanEnvelope<JiangnanRefundData>.self, from: body))?.data.map(Self.init)
        }
    }

    /// What this state means for the transaction. `bankCode` is the envelope's code (`0000`); a `FAILED`
    /// outcome carries `fail_code` instead (or `FAILED` when the bank gave none, as for refunds).
    func outcome(currency: Currency, bankCode: String, logger: any ChannelLogger) -> ChannelOutcome {
        let bankId = bankTransactionId.isEmpty ? nil : bankTransactionId
        switch status {
        case JiangnanStatus.success:
            let finished = JiangnanTime.parse(finishedAt)
            if finished == nil {
                logger.warning(
                    "bank reported SUCCESS with an unreadable finished_at",
                    metadata: ["transaction": transactionId, "finished_at": finishedAt])
            }
            return .succeeded(
                bankTransactionId: bankId, amount: Money(minorUnits: amount, currency: currency), finishedAt: finished,
                bankCode: bankCode)
        case JiangnanStatus.processing:
            return .pending(.processing, bankCode: bankCode, message: "processing", bankTransactionId: bankId)
        case JiangnanStatus.failed:
            return .declined(
                .declined, bankCode: failCode.isEmpty ? JiangnanStatus.failed : failCode,
                message: failMessage.isEmpty ? (failCode.isEmpty ? "failed" : JiangnanCode.message(for: failCode)) : failMessage,
                bankTransactionId: bankId, finishedAt: JiangnanTime.parse(finishedAt))
        default:
            return .pending(
                .unverifiable, bankCode: bankCode, message: "unknown status '\(status)'", bankTransactionId: bankId)
        }
    }
}

/// The transaction a request asked about: an answer must name it (id and amount).
struct JiangnanExpectation: Sendable {
    /// Payment or refund.
    let kind: TransactionKind
    /// Our id.
    let transactionId: String
    /// The amount in fen.
    let amount: Int64
    /// For a refund, the payment's id when known.
    let paymentTransactionId: String?

    /// `nil` when `state` names this transaction; otherwise why not.
    func mismatch(_ state: JiangnanTransactionState) -> String? {
        if state.kind != kind { return "data is about a \(state.kind.rawValue), not a \(kind.rawValue)" }
        if state.transactionId != transactionId {
            return "data names transaction '\(state.transactionId)', not '\(transactionId)'"
        }
        if state.amount != amount { return "data names amount \(state.amount), not \(amount)" }
        if let paymentTransactionId, let named = state.paymentTransactionId, !named.isEmpty,
            named != paymentTransactionId
        {
            return "data names payment '\(named)', not '\(paymentTransactionId)'"
        }
        return nil
    }
}
