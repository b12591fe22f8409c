import ChannelKit
import Foundation
import JiangnanProtocol

/// jiangnan.md's statement: UTF-8 CSV, the header line, one row per transaction, the `#TOTAL` trailer.
struct JiangnanStatementGenerator: StatementGenerator {
    func write(lines: Int, date: BusinessDate, to url: URL) throws -> Int64 {
        let day = GeneratedDay(count: lines)
        var sink = try FileSink(url)
        try sink.write(Array((JiangnanRules.statementHeader + "\n").utf8))
        let isoDate = "\(date.year)-\(GeneratedDay.pad(date.month, 2))-\(GeneratedDay.pad(date.day, 2))"
        var amount: Int64 = 0
        var fee: Int64 = 0
        for index in 0..<lines {
            let line = day.line(index)
            if line.succeeded {
                amount += line.amount
                fee += line.fee
            }
            let time = GeneratedDay.pad(line.second / 3600, 2) + ":" + GeneratedDay.pad(line.second / 60 % 60, 2) + ":"
                + GeneratedDay.pad(line.second % 60, 2)
            let fields = [
                date.compact, "\(isoDate)T\(time)+08:00", line.id, "JN" + line.bankId.suffix(18),
                line.isRefund ? "REFUND" : "PAY", String(line.amount), String(line.fee), "CNY",
                line.succeeded ? "SUCCESS" : "FAILED", line.originalId,
            ]
            try sink.write(Array((fields.joined(separator: ",") + "\n").utf8))
        }
        try sink.write(Array("#TOTAL,\(lines),\(amount),\(fee)\n".utf8))
        try sink.close()
        return sink.written
    }
}
