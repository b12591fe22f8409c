import MinbeiProtocol
import SimulatorSupport

/// Writes a business day's statement as the bank does: GBK text, `\n` line ends, the header line
/// `mer_id|bill_date|total_count|total_amount|total_fee` (the count excludes the header, the sums cover `S`
/// lines only), then one line per payment or refund that became final that day, in completion order, gzip'd.
enum MinbeiStatementWriter {
    /// The gzip'd statement; `nil` when an amount cannot be written (outside the bank's range).
    static func gzip(
        merchantId: String, billDate: String, payments: [SimBook.Payment], refunds: [SimBook.Refund]
    ) throws -> [UInt8]? {
        var lines: [(finishedAt: Int64, bankId: String, line: MinbeiStatement.Line)] = []
        for payment in payments {
            guard let finished = payment.finished_at else { continue }
            let succeeded = payment.status == .succeeded
            lines.append(
                (
                    finished, payment.bank_transaction_id,
                    line(
                        finished: finished, isRefund: false, orderNo: payment.transaction_id, refundNo: "",
                        bankId: payment.bank_transaction_id, amount: payment.amount, fee: succeeded ? payment.fee : 0,
                        succeeded: succeeded, remark: payment.subject)
                ))
        }
        for refund in refunds {
            guard let finished = refund.finished_at else { continue }
            lines.append(
                (
                    finished, refund.bank_transaction_id,
                    line(
                        finished: finished, isRefund: true, orderNo: refund.payment_transaction_id,
                        refundNo: refund.transaction_id, bankId: refund.bank_transaction_id, amount: refund.amount, fee: 0,
                        succeeded: refund.status == .succeeded, remark: refund.reason)
                ))
        }
        lines.sort { ($0.finishedAt, $0.bankId) < ($1.finishedAt, $1.bankId) }
        let succeeded = lines.filter { $0.line.succeeded }
        let header = MinbeiStatement.Header(
            merchantId: merchantId, billDate: billDate, totalCount: lines.count,
            totalAmount: succeeded.reduce(0) { $0 + $1.line.amount }, totalFee: succeeded.reduce(0) { $0 + $1.line.fee })
        guard let headerBytes = MinbeiStatement.write(header) else { return nil }
        var text = headerBytes + [0x0A]
        for entry in lines {
            guard let bytes = MinbeiStatement.write(entry.line) else { return nil }
            text += bytes
            text.append(0x0A)
        }
        let deflater = try GzipDeflater()
        var output: [UInt8] = []
        try deflater.deflate(text) { output.append(contentsOf: $0) }
        try deflater.finish { output.append(contentsOf: $0) }
        return output
    }

    private static func line(
        finished: Int64, isRefund: Bool, orderNo: String, refundNo: String, bankId: String, amount: Int64, fee: Int64,
        succeeded: Bool, remark: String
    ) -> MinbeiStatement.Line {
        let compact = MinbeiTime.compact(unixSeconds: finished / 1000)
        return MinbeiStatement.Line(
            transDate: String(compact.prefix(8)), transTime: String(compact.suffix(6)), isRefund: isRefund,
            orderNo: orderNo, refundNo: refundNo, bankSequence: bankId, amount: amount, fee: fee,
            currency: MinbeiService.cny, succeeded: succeeded, remark: Self.remark(remark))
    }

    /// Free text as the statement may carry it: no `|`, no line breaks, no `[sim:…]` tags, at most 40 characters,
    /// GBK only.
    static func remark(_ text: String) -> String {
        var cleaned = ""
        var rest = Substring(text)
        while let open = rest.range(of: "[sim:"), let close = rest[open.upperBound...].firstIndex(of: "]") {
            cleaned += rest[..<open.lowerBound]
            rest = rest[rest.index(after: close)...]
        }
        cleaned += rest
        let kept = cleaned.filter { $0 != "|" && !$0.isNewline && GBK.encode(String($0)) != nil }
        return String(kept.trimmingPrefix(" ").prefix(40))
    }
}
