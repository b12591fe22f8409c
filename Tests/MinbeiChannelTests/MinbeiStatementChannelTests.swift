import ChannelKit
import Foundation
import MinbeiProtocol
import Testing

@testable import Minbei

@Suite("Minbei statements: downloaded as the bank sends them, parsed while they decompress")
struct MinbeiStatementChannelTests {
    static let date = BusinessDate(year: 2026, month: 12, day: 1)!

    static func gzip(_ text: [UInt8]) throws -> Data {
        let deflater = try GzipDeflater()
        var output: [UInt8] = []
        try deflater.deflate(text) { output.append(contentsOf: $0) }
        try deflater.finish { output.append(contentsOf: $0) }
        return Data(output)
    }

    static func gbk(_ lines: [String]) -> [UInt8] {
        lines.flatMap { GBK.encode($0)! + [0x0A] }
    }

    static func parse(_ data: Data, batchSize: Int = 2) async throws -> StatementBatch {
        let file = temporaryFile("bill.gz")
        defer { try? FileManager.default.removeItem(at: file) }
        try data.write(to: file)
        let channel = try makeChannel(ScriptedBank { _ in .answer("00", []) })
        var all = StatementBatch(records: [], issues: [])
        for try await batch in channel.parseStatement(
            StatementFile(businessDate: date, location: file, byteCount: Int64(data.count), contentType: "application/x-gzip"),
            batchSize: batchSize)
        {
            all.records += batch.records
            all.issues += batch.issues
            if let trailer = batch.trailer { all.trailer = trailer }
        }
        return all
    }

    static let good = [
        "MB0001|20261201|3|123.45|0.12",
        "20261201|101500|01|pay_1||20261201000000000001|123.45|0.12|156|S|乌龙茶 订单42",
        "20261201|101600|01|pay_2||20261201000000000002|5.00|0.00|156|F|",
        "20261201|235959|02|pay_1|rfd_1|20261201000000000003|20.00|0.00|156|F|壹億元以內",
    ]

    @Test("every line accounted for: records with kinds, ids, fees and completion times; the header as the trailer")
    func records() async throws {
        let batch = try await Self.parse(try Self.gzip(Self.gbk(Self.good)))
        #expect(batch.issues.isEmpty, "\(batch.issues)")
        #expect(batch.records.map(\.lineNumber) == [2, 3, 4])
        #expect(batch.records.map(\.transactionId) == ["pay_1", "pay_2", "rfd_1"])
        #expect(batch.records.map(\.kind) == [.payment, .payment, .refund])
        #expect(batch.records.map(\.status) == [.succeeded, .failed, .failed])
        #expect(batch.records.map(\.amount.minorUnits) == [12345, 500, 2000])
        #expect(batch.records[0].fee.minorUnits == 12)
        #expect(batch.records[2].originalTransactionId == "pay_1")
        #expect(batch.records[0].finishedAt == Date(timeIntervalSince1970: TimeInterval(MinbeiTime.unixSeconds(compact: "20261201101500")!)))
        #expect(batch.trailer == StatementTrailer(lineNumber: 1, recordCount: 3, amountTotal: 12345, feeTotal: 12))
    }

    @Test("a malformed line is reported with its line number; the header's totals are checked on line 1")
    func malformed() async throws {
        var lines = Self.good
        lines[2] = "20261201|101600|01|pay_2||20261201000000000002|5.0|0.00|156|S|"
        let batch = try await Self.parse(try Self.gzip(Self.gbk(lines)))
        #expect(batch.records.map(\.lineNumber) == [2, 4])
        let lineIssue = try #require(batch.issues.first { $0.lineNumber == 3 })
        #expect(lineIssue.reason.contains("amount"), "\(lineIssue)")
        #expect(batch.issues.filter { $0.lineNumber == 1 }.isEmpty, "counts and S sums still agree: \(batch.issues)")

        var wrongTotals = Self.good
        wrongTotals[0] = "MB0001|20261201|4|123.46|0.12"
        let totals = try await Self.parse(try Self.gzip(Self.gbk(wrongTotals)))
        let header = totals.issues.filter { $0.lineNumber == 1 }.map(\.reason)
        #expect(header.count == 2, "\(header)")
        #expect(header.contains { $0.contains("total_count 4") } && header.contains { $0.contains("total_amount 123.46") })
    }

    @Test("a truncated or corrupt gzip stream, another merchant's or day's header are reported")
    func wholeFile() async throws {
        let whole = try Self.gzip(Self.gbk(Self.good))
        let truncated = try await Self.parse(whole.prefix(whole.count - 12))
        #expect(truncated.issues.contains { $0.lineNumber == 0 && $0.reason.contains("truncated") }, "\(truncated.issues)")
        var corrupt = whole
        corrupt[corrupt.count / 2] ^= 0xFF
        let broken = try await Self.parse(corrupt)
        #expect(broken.issues.contains { $0.lineNumber == 0 }, "\(broken.issues)")
        var other = Self.good
        other[0] = "MB0002|20261130|3|123.45|0.12"
        let foreign = try await Self.parse(try Self.gzip(Self.gbk(other)))
        #expect(foreign.issues.filter { $0.lineNumber == 1 }.count == 2, "\(foreign.issues)")
        let notGzip = try await Self.parse(Data(Self.gbk(Self.good)))
        #expect(notGzip.records.isEmpty && notGzip.issues.contains { $0.lineNumber == 0 })
    }

    @Test("download: the gzip file is kept as sent; B1 is not ready; an unverifiable form is unavailable")
    func download() async throws {
        let file = try Self.gzip(Self.gbk(Self.good))
        let bank = ScriptedBank { form in
            form["bill_date"] == "20261201"
                ? .raw(HTTPResponseMessage(status: 200, headers: [HTTPHeaderField("Content-Type", "application/x-gzip")], body: file))
                : .answer("B1", [])
        }
        let channel = try makeChannel(bank)
        let destination = temporaryFile("download.gz")
        defer { try? FileManager.default.removeItem(at: destination) }
        let downloaded = try await channel.downloadStatement(StatementRequest(businessDate: Self.date, destination: destination))
        #expect(try Data(contentsOf: destination) == file)
        #expect(downloaded.byteCount == Int64(file.count))
        #expect(bank.requests.first?.form["service"] == "bill" && bank.requests.first?.valid == true)

        do {
            _ = try await channel.downloadStatement(
                StatementRequest(businessDate: BusinessDate(year: 2026, month: 12, day: 2)!, destination: destination))
            Issue.record("B1 accepted")
        } catch let error as PaymentChannelError {
            #expect(error.code == .statementNotReady && error.bankCode == "B1")
        }
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        let forged = try makeChannel(ScriptedBank { _ in .unsigned([("resp_code", "B1")]) })
        do {
            _ = try await forged.downloadStatement(StatementRequest(businessDate: Self.date, destination: destination))
            Issue.record("unverifiable answer accepted")
        } catch let error as PaymentChannelError {
            #expect(error.code == .statementUnavailable)
        }
    }
}
