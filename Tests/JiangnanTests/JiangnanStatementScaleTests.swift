import ChannelKit
import Foundation
import JiangnanProtocol
import Testing

@testable import Jiangnan

/// Opt-in: `JIANGNAN_SCALE_ROWS=2000000 swift test --filter JiangnanStatementScaleTests`.
@Suite struct JiangnanStatementScaleTests {
    static let rows = Int(ProcessInfo.processInfo.environment["JIANGNAN_SCALE_ROWS"] ?? "") ?? 0

    @Test(.enabled(if: rows > 0)) func parsesALargeStatement() async throws {
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let out = try FileHandle(forWritingTo: url)
        var chunk = Data(capacity: 1 << 21)
        chunk.append(contentsOf: (JiangnanRules.statementHeader + "\n").utf8)
        var sum: Int64 = 0
        var fees: Int64 = 0
        for i in 0..<Self.rows {
            let amount = Int64(i % 100_000 + 1)
            let fee = amount / 1000
            sum += amount
            fees += fee
            chunk.append(
                contentsOf:
                    "20261124,2026-11-24T10:15:02+08:00,pay_\(i),JN\(100_000_000_000_000_000 + i),PAY,\(amount),\(fee),CNY,SUCCESS,\n"
                    .utf8)
            if chunk.count > 1 << 20 {
                out.write(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        chunk.append(contentsOf: "#TOTAL,\(Self.rows),\(sum),\(fees)\n".utf8)
        out.write(chunk)
        try out.close()

        let channel = try makeChannel(bank: FakeBank { _ in .fail(TransportError(.notSent, "unused")) })
        let file = StatementFile(businessDate: BusinessDate(year: 2026, month: 11, day: 24)!, location: url, byteCount: 0, contentType: nil)
        let start = ContinuousClock.now
        var records = 0
        var issues: [StatementIssue] = []
        var trailer: StatementTrailer?
        for try await batch in channel.parseStatement(file, batchSize: 10_000) {
            records += batch.records.count
            issues += batch.issues
            trailer = batch.trailer ?? trailer
        }
        let elapsed = ContinuousClock.now - start
        print("parsed \(records) rows in \(elapsed)")
        #expect(records == Self.rows)
        #expect(issues.isEmpty)
        #expect(trailer?.recordCount == Self.rows)
    }
}
