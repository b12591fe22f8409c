import Foundation
import HaixiProtocol
import SimulatorSupport

/// Writes a business day's statement as the bank does (document "Statement file"): the 62-character header
/// (RecordCount over every detail line, TotalAmount and TotalFee over the `00` lines), then one 127-character
/// detail line per payment or refund that became final that day, in completion order, `\r\n` line ends.
enum HaixiStatementWriter {
    /// The file's bytes; `nil` when a value does not fit its width.
    static func write(
        merchantId: String, billDate: String, payments: [SimBook.Payment], refunds: [SimBook.Refund]
    ) -> [UInt8]? {
        var lines: [(finishedAt: Int64, bankId: String, line: HaixiStatement.Line)] = []
        for payment in payments {
            guard let finished = payment.finished_at else { continue }
            let succeeded = payment.status == .succeeded
            lines.append(
                (
                    finished, payment.bank_transaction_id,
                    HaixiStatement.Line(
                        isRefund: false, serialNo: payment.transaction_id, bankSerialNo: payment.bank_transaction_id,
                        finishTime: HaixiSimTime.text(finished), amount: payment.amount, fee: succeeded ? payment.fee : 0,
                        currency: payment.currency, succeeded: succeeded, originalSerialNo: "")
                ))
        }
        for refund in refunds {
            guard let finished = refund.finished_at else { continue }
            lines.append(
                (
                    finished, refund.bank_transaction_id,
                    HaixiStatement.Line(
                        isRefund: true, serialNo: refund.transaction_id, bankSerialNo: refund.bank_transaction_id,
                        finishTime: HaixiSimTime.text(finished), amount: refund.amount, fee: 0, currency: "CNY",
                        succeeded: refund.status == .succeeded, originalSerialNo: refund.payment_transaction_id)
                ))
        }
        lines.sort { ($0.finishedAt, $0.bankId) < ($1.finishedAt, $1.bankId) }
        let succeeded = lines.filter { $0.line.succeeded }
        let header = HaixiStatement.Header(
            billDate: billDate, merchantId: merchantId, recordCount: lines.count,
            totalAmount: succeeded.reduce(0) { $0 + $1.line.amount }, totalFee: succeeded.reduce(0) { $0 + $1.line.fee })
        guard var text = HaixiStatement.write(header) else { return nil }
        text += [0x0D, 0x0A]
        for entry in lines {
            guard let bytes = HaixiStatement.write(entry.line) else { return nil }
            text += bytes
            text += [0x0D, 0x0A]
        }
        return text
    }
}

/// The simulator clock's milliseconds as the bank writes times.
enum HaixiSimTime {
    /// `yyyyMMddHHmmss` in UTC+8.
    static func text(_ milliseconds: Int64) -> String {
        HaixiTime.format(SimulatorClock.date(milliseconds))
    }

    /// The bank's id of its n-th transaction: `HX`, the year, 16 digits of sequence.
    static func bankSerialNo(_ sequence: Int64) -> String {
        let digits = String(sequence)
        return "HX2026" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}
