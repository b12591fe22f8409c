import SimulatorSupport
import Foundation
import JiangnanProtocol

/// Builds the statement CSV of one business day (interface document, "Statement file").
enum StatementBuilder {
    /// The statement for the business day starting at `dayStart` (00:00:00 UTC+8), `\n` after every line.
    ///
    /// One row per payment or refund that became `SUCCESS` or `FAILED` on that day (by `finished_at`), in order of
    /// completion; the trailer sums amounts and fees over `SUCCESS` rows only.
    static func csv(day: String, dayStart: Date, payments: [PaymentRecord], refunds: [RefundRecord]) -> String {
        let start = Int64((dayStart.timeIntervalSince1970 * 1000).rounded())
        let end = start + 86_400_000
        let currencyOfPayment = Dictionary(
            payments.map { ($0.outTradeNo, $0.currency) }, uniquingKeysWith: { first, _ in first })

        var rows: [Row] = []
        for payment in payments {
            guard payment.status.isFinal, let finished = payment.finishedAtMilliseconds, (start..<end).contains(finished)
            else { continue }
            rows.append(
                Row(
                    finishedAt: finished, bankNo: payment.tradeNo,
                    fields: [
                        day, payment.finishedAt, payment.outTradeNo, payment.tradeNo, "PAY", String(payment.amount),
                        String(payment.status == .success ? payment.fee : 0), payment.currency,
                        payment.status.rawValue, "",
                    ], amount: payment.amount, fee: payment.status == .success ? payment.fee : 0,
                    succeeded: payment.status == .success))
        }
        for refund in refunds {
            guard refund.status.isFinal, let finished = refund.finishedAtMilliseconds, (start..<end).contains(finished)
            else { continue }
            rows.append(
                Row(
                    finishedAt: finished, bankNo: refund.refundNo,
                    fields: [
                        day, refund.finishedAt, refund.outRefundNo, refund.refundNo, "REFUND",
                        String(refund.refundAmount), "0", currencyOfPayment[refund.outTradeNo] ?? "CNY",
                        refund.status.rawValue, refund.outTradeNo,
                    ], amount: refund.refundAmount, fee: 0, succeeded: refund.status == .success))
        }
        rows.sort { ($0.finishedAt, $0.bankNo) < ($1.finishedAt, $1.bankNo) }

        var text = JiangnanRules.statementHeader + "\n"
        for row in rows {
            text += row.fields.joined(separator: ",") + "\n"
        }
        let succeeded = rows.filter(\.succeeded)
        let amountSum = succeeded.reduce(Int64(0)) { $0 + $1.amount }
        let feeSum = succeeded.reduce(Int64(0)) { $0 + $1.fee }
        text += "#TOTAL,\(rows.count),\(amountSum),\(feeSum)\n"
        return text
    }

    private struct Row {
        var finishedAt: Int64
        var bankNo: String
        var fields: [String]
        var amount: Int64
        var fee: Int64
        var succeeded: Bool
    }
}
