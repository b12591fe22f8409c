import ChannelKit
import Foundation
import HaixiProtocol

/// haixi.md's statement: fixed-width ASCII, `\r\n`, the `H` header with the count and the `00` totals, then
/// 127-character `D` lines.
struct HaixiStatementGenerator: StatementGenerator {
    static let merchantId = "HX310000001"

    func write(lines: Int, date: BusinessDate, to url: URL) throws -> Int64 {
        let day = GeneratedDay(count: lines)
        let (amount, fee) = day.totals()
        var sink = try FileSink(url)
        guard
            let header = HaixiStatement.write(
                HaixiStatement.Header(
                    billDate: date.compact, merchantId: Self.merchantId, recordCount: lines, totalAmount: amount, totalFee: fee))
        else { throw ValidationFailure("totals out of range") }
        try sink.write(header + [0x0D, 0x0A])
        for index in 0..<lines {
            let line = day.line(index)
            let time = GeneratedDay.pad(line.second / 3600, 2) + GeneratedDay.pad(line.second / 60 % 60, 2)
                + GeneratedDay.pad(line.second % 60, 2)
            guard
                let bytes = HaixiStatement.write(
                    HaixiStatement.Line(
                        isRefund: line.isRefund, serialNo: line.id, bankSerialNo: "HX" + line.bankId,
                        finishTime: date.compact + time, amount: line.amount, fee: line.fee, currency: "CNY",
                        succeeded: line.succeeded, originalSerialNo: line.originalId))
            else { throw ValidationFailure("line \(index) cannot be written") }
            try sink.write(bytes + [0x0D, 0x0A])
        }
        try sink.close()
        return sink.written
    }
}
