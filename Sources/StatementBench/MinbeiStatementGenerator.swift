import ChannelKit
import Foundation
import MinbeiProtocol

/// minbei.md's statement: GBK `|` lines, the header first with the count and the `S` totals, gzip'd as written.
struct MinbeiStatementGenerator: StatementGenerator {
    func write(lines: Int, date: BusinessDate, to url: URL) throws -> Int64 {
        let day = GeneratedDay(count: lines)
        let (amount, fee) = day.totals()
        var sink = try FileSink(url)
        let deflater = try GzipDeflater()
        var failure: (any Error)?
        func emit(_ bytes: [UInt8]) throws {
            try deflater.deflate(bytes) { chunk in
                do { try sink.write(chunk) } catch { failure = error }
            }
            if let failure { throw failure }
        }
        guard
            let header = MinbeiStatement.write(
                MinbeiStatement.Header(
                    merchantId: StatementMerchant.id, billDate: date.compact, totalCount: lines, totalAmount: amount,
                    totalFee: fee))
        else { throw ValidationFailure("totals out of range") }
        var text = header + [0x0A]
        for index in 0..<lines {
            let line = day.line(index)
            let time = GeneratedDay.pad(line.second / 3600, 2) + GeneratedDay.pad(line.second / 60 % 60, 2)
                + GeneratedDay.pad(line.second % 60, 2)
            guard
                let bytes = MinbeiStatement.write(
                    MinbeiStatement.Line(
                        transDate: date.compact, transTime: time, isRefund: line.isRefund,
                        orderNo: line.isRefund ? line.originalId : line.id, refundNo: line.isRefund ? line.id : "",
                        bankSequence: line.bankId, amount: line.amount, fee: line.fee, currency: MinbeiService.cny,
                        succeeded: line.succeeded, remark: index % 3 == 0 ? "乌龙茶 订单\(index)" : "order \(index)"))
            else { throw ValidationFailure("line \(index) cannot be written") }
            text += bytes
            text.append(0x0A)
            if text.count >= 1 << 20 {
                try emit(text)
                text.removeAll(keepingCapacity: true)
            }
        }
        try emit(text)
        try deflater.finish { chunk in
            do { try sink.write(chunk) } catch { failure = error }
        }
        if let failure { throw failure }
        try sink.close()
        return sink.written
    }
}
