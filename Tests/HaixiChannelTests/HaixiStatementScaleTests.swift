import ChannelKit
import Foundation
import HaixiProtocol
import Testing

@testable import Haixi

/// Opt-in: `HAIXI_SCALE_LINES=2000000 swift test -c release --filter HaixiStatementScaleTests` — a 1004 answer
/// of that many lines (2,000,000: 258 MB of statement, 344 MB of base64) downloaded, verified, decoded and
/// parsed, with the time of each step printed.
@Suite struct HaixiStatementScaleTests {
    static let lines = Int(ProcessInfo.processInfo.environment["HAIXI_SCALE_LINES"] ?? "") ?? 0

    @Test(.enabled(if: lines > 0)) func downloadsAndParsesALargeStatement() async throws {
        var content: [UInt8] = []
        content.reserveCapacity(Self.lines * 129 + 64)
        var amount: Int64 = 0
        var fee: Int64 = 0
        var details: [UInt8] = []
        details.reserveCapacity(Self.lines * 129)
        for index in 0..<Self.lines {
            let seconds = index * 86_000 / Self.lines
            let line = HaixiStatement.Line(
                isRefund: false, serialNo: "pay_01J\(index)", bankSerialNo: "HX2026" + String(format: "%016d", index + 1),
                finishTime: String(format: "20261124%02d%02d%02d", seconds / 3600, seconds / 60 % 60, seconds % 60),
                amount: Int64(100 + index % 100_000), fee: Int64(index % 7), currency: "CNY", succeeded: true,
                originalSerialNo: "")
            amount += line.amount
            fee += line.fee
            details += HaixiStatement.write(line)!
            details += [0x0D, 0x0A]
        }
        content += HaixiStatement.write(
            HaixiStatement.Header(
                billDate: "20261124", merchantId: Demo.merchantId, recordCount: Self.lines, totalAmount: amount, totalFee: fee))!
        content += [0x0D, 0x0A]
        content += details
        details = []
        let answer = BankAnswer(
            code: "000000",
            body: [("FileName", "big.txt"), ("FileSize", String(content.count)), ("FileContent", Data(content).base64EncodedString())])
        let channel = try makeChannel(bank: FakeBank { _ in .answer(answer) })
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }

        var started = ContinuousClock.now
        let file = try await channel.downloadStatement(
            StatementRequest(businessDate: HaixiStatementTests.date, destination: folder.appendingPathComponent("big.txt")))
        print("haixi scale: download (the fake bank's signing and writing included) \(ContinuousClock.now - started)")
        #expect(file.byteCount == Int64(content.count))

        started = .now
        var records = 0
        var issues: [StatementIssue] = []
        var trailer: StatementTrailer?
        for try await batch in channel.parseStatement(file, batchSize: 10_000) {
            records += batch.records.count
            issues += batch.issues
            if let found = batch.trailer { trailer = found }
        }
        print("haixi scale: parse of \(records) lines \(ContinuousClock.now - started)")
        #expect(records == Self.lines)
        #expect(issues.isEmpty)
        #expect(trailer == StatementTrailer(lineNumber: 1, recordCount: Self.lines, amountTotal: amount, feeTotal: fee))
    }
}
