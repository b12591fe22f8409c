import ChannelKit
import Foundation
import JiangnanProtocol
import Testing

@testable import Jiangnan

@Suite struct JiangnanStatementTests {
    static let date = BusinessDate(year: 2026, month: 11, day: 24)!
    static let header = JiangnanRules.statementHeader
    static let goodFile = """
        \(header)
        20261124,2026-11-24T10:15:02+08:00,pay_01J0000000000000000000001,JN000000000000000001,PAY,12345,12,CNY,SUCCESS,
        20261124,2026-11-24T11:00:00+08:00,ref_01J0000000000000000000001,JN000000000000000002,REFUND,2000,0,CNY,SUCCESS,pay_01J0000000000000000000001
        20261124,2026-11-24T23:59:59+08:00,pay_01J0000000000000000000002,JN000000000000000003,PAY,500,0,CNY,FAILED,
        #TOTAL,3,14345,12

        """

    static func write(_ text: String) throws -> StatementFile {
        let url = temporaryFile()
        try Data(text.utf8).write(to: url)
        return StatementFile(businessDate: date, location: url, byteCount: Int64(text.utf8.count), contentType: "text/csv")
    }

    static func parse(_ text: String, batchSize: Int = 1000) async throws -> [StatementBatch] {
        let file = try write(text)
        defer { try? FileManager.default.removeItem(at: file.location) }
        let channel = try makeChannel(bank: FakeBank { _ in .fail(TransportError(.notSent, "unused")) })
        var batches: [StatementBatch] = []
        for try await batch in channel.parseStatement(file, batchSize: batchSize) { batches.append(batch) }
        return batches
    }

    // MARK: - Parsing

    @Test func goodFile() async throws {
        let batches = try await Self.parse(Self.goodFile)
        let records = batches.flatMap(\.records)
        let issues = batches.flatMap(\.issues)
        #expect(issues.isEmpty, "\(issues)")
        #expect(records.count == 3)
        #expect(batches.last?.trailer == StatementTrailer(lineNumber: 5, recordCount: 3, amountTotal: 14345, feeTotal: 12))

        let pay = records[0]
        #expect(pay.lineNumber == 2)
        #expect(pay.businessDate == Self.date)
        #expect(pay.finishedAt == JiangnanTime.parse("2026-11-24T10:15:02+08:00"))
        #expect(pay.transactionId == "pay_01J0000000000000000000001")
        #expect(pay.bankTransactionId == "JN000000000000000001")
        #expect(pay.kind == .payment)
        #expect(pay.amount == Demo.money(12345))
        #expect(pay.fee == Demo.money(12))
        #expect(pay.status == .succeeded)
        #expect(pay.originalTransactionId == nil)

        let refund = records[1]
        #expect(refund.kind == .refund)
        #expect(refund.originalTransactionId == "pay_01J0000000000000000000001")
        #expect(records[2].status == .failed)
    }

    @Test func emptyDay() async throws {
        let batches = try await Self.parse("\(Self.header)\n#TOTAL,0,0,0\n")
        #expect(batches.flatMap(\.records).isEmpty)
        #expect(batches.flatMap(\.issues).isEmpty)
        #expect(batches.last?.trailer?.recordCount == 0)
    }

    @Test func badLinesAreReportedWithLineNumbers() async throws {
        let rows = [
            "20261124,2026-11-24T10:15:02+08:00,pay_a,JN000000000000000001,PAY,100,0,CNY,SUCCESS,",  // 2 ok
            "20261124,2026-11-24T10:15:02+08:00,pay_b,JN000000000000000002,PAY,100,0,CNY,SUCCESS",  // 3 fields
            "20261124,2026-11-24T10:15:02+08:00,pay_c,JN000000000000000003,PAY,1.00,0,CNY,SUCCESS,",  // 4 amount
            "20261124,2026-11-24T10:15:02+08:00,pay_d,JN000000000000000004,CHARGE,100,0,CNY,SUCCESS,",  // 5 type
            "20261124,2026-11-24T10:15:02+08:00,pay_e,JN000000000000000005,PAY,100,0,USD,SUCCESS,",  // 6 ok: USD
            "20261124,2026-11-24 10:15:02,pay_f,JN000000000000000006,PAY,100,0,CNY,SUCCESS,",  // 7 time
            "20261124,2026-11-24T10:15:02+08:00,pay_g,JN000000000000000007,PAY,100,0,CNY,CLOSED,",  // 8 status
            "20261124,2026-11-24T10:15:02+08:00,ref_h,JN000000000000000008,REFUND,100,0,CNY,SUCCESS,",  // 9 no orig
            "20261123,2026-11-23T10:15:02+08:00,pay_i,JN000000000000000009,PAY,100,0,CNY,SUCCESS,",  // 10 date
            "20261124,2026-11-25T00:00:01+08:00,pay_j,JN000000000000000010,PAY,100,0,CNY,SUCCESS,",  // 11 finished
            "",  // 12 empty
            "20261124,2026-11-24T10:15:02+08:00,pay k,JN000000000000000011,PAY,100,-1,CNY,SUCCESS,",  // 13 id, fee
            "20261124,2026-11-24T10:15:02+08:00,pay_l,JN000000000000000012,PAY,100,0,XYZ,SUCCESS,",  // 14 currency
        ]
        let text = ([Self.header] + rows + ["#TOTAL,12,200,0"]).joined(separator: "\n") + "\n"
        let batches = try await Self.parse(text)
        let records = batches.flatMap(\.records)
        let issues = batches.flatMap(\.issues)
        #expect(records.map(\.lineNumber) == [2, 6])
        // Any ISO 4217 currency is reported as the bank wrote it; judging it is reconciliation's job.
        #expect(records.last?.amount == Money(minorUnits: 100, currency: Currency(code: "USD")!))
        #expect(records.last?.fee.currency.code == "USD")
        let byLine = Dictionary(grouping: issues, by: \.lineNumber)
        #expect(byLine.keys.sorted() == [3, 4, 5] + Array(7...14))
        func reason(_ line: Int) -> String { byLine[line]?.map(\.reason).joined(separator: " | ") ?? "" }
        #expect(reason(3).contains("expected 10 comma-separated fields, found 9"))
        #expect(reason(4).contains("bad amount '1.00'"))
        #expect(reason(5).contains("unknown type 'CHARGE'"))
        #expect(reason(14).contains("bad currency 'XYZ' (not an ISO 4217 code)"))
        #expect(reason(7).contains("bad finished_at"))
        #expect(reason(8).contains("unknown status 'CLOSED'"))
        #expect(reason(9).contains("bad orig_out_trade_no"))
        #expect(reason(10).contains("not the statement's date 20261124"))
        #expect(reason(11).contains("is not on trade_date"))
        #expect(reason(12).contains("empty line"))
        #expect(reason(13).contains("bad out_trade_no") && reason(13).contains("bad fee"))
        #expect(byLine[4]?.first?.line == rows[2])
        // The trailer is consistent with the file (12 rows, two SUCCESS rows parsed): no whole-file issue.
        #expect(!issues.contains { $0.lineNumber == 15 || $0.lineNumber == 0 })
    }

    @Test func trailerMismatchesAreReported() async throws {
        let text = Self.goodFile.replacingOccurrences(of: "#TOTAL,3,14345,12", with: "#TOTAL,4,14845,13")
        let batches = try await Self.parse(text)
        let issues = batches.flatMap(\.issues)
        #expect(batches.flatMap(\.records).count == 3)
        #expect(issues.count == 3)
        #expect(issues.allSatisfy { $0.lineNumber == 5 && $0.line == "#TOTAL,4,14845,13" })
        #expect(issues.contains { $0.reason.contains("row_count 4 but the file has 3 rows") })
        #expect(issues.contains { $0.reason.contains("amount_sum 14845 but SUCCESS rows sum to 14345") })
        #expect(issues.contains { $0.reason.contains("fee_sum 13") })
    }

    @Test func truncatedFiles() async throws {
        // No trailer.
        let noTrailer = try await Self.parse(Self.goodFile.replacingOccurrences(of: "#TOTAL,3,14345,12\n", with: ""))
        #expect(noTrailer.flatMap(\.records).count == 3)
        #expect(noTrailer.flatMap(\.issues).contains { $0.lineNumber == 0 && $0.reason.contains("no #TOTAL trailer") })
        #expect(noTrailer.last?.trailer == nil)
        // No final newline: the last line is still read, and the file is flagged.
        let noNewline = try await Self.parse(String(Self.goodFile.dropLast()))
        #expect(noNewline.last?.trailer?.recordCount == 3)
        #expect(noNewline.flatMap(\.issues).map(\.lineNumber) == [0])
        // Cut in the middle of a row.
        let lines: [Substring] = Self.goodFile.split(separator: "\n")
        let firstTwoLines = lines[0].count + lines[1].count + 2
        let cut = try await Self.parse(String(Self.goodFile.prefix(firstTwoLines + 50)))
        #expect(cut.flatMap(\.records).count == 1)
        let issues = cut.flatMap(\.issues)
        #expect(issues.contains { $0.lineNumber == 3 })
        #expect(issues.contains { $0.lineNumber == 0 && $0.reason.contains("newline") })
        #expect(issues.contains { $0.lineNumber == 0 && $0.reason.contains("trailer") })
        // Empty file.
        #expect(try await Self.parse("").flatMap(\.issues).map(\.lineNumber) == [0])
    }

    @Test func headerAndTrailerProblems() async throws {
        let wrongHeader = try await Self.parse(Self.goodFile.replacingOccurrences(of: "orig_out_trade_no", with: "orig"))
        #expect(wrongHeader.flatMap(\.issues).map(\.lineNumber) == [1])
        #expect(wrongHeader.flatMap(\.records).count == 3)

        let extra = try await Self.parse(Self.goodFile + "#TOTAL,3,14345,12\n")
        #expect(extra.flatMap(\.issues).map(\.lineNumber) == [6])

        let malformed = try await Self.parse(Self.goodFile.replacingOccurrences(of: "#TOTAL,3,14345,12", with: "#TOTAL,3,14345"))
        let issues = malformed.flatMap(\.issues)
        #expect(issues.contains { $0.lineNumber == 5 && $0.reason.contains("malformed trailer") })
        #expect(issues.contains { $0.lineNumber == 0 })
    }

    @Test func batchesAndEveryLineAccountedFor() async throws {
        var lines = [Self.header]
        var sum: Int64 = 0
        for i in 0..<2500 {
            let amount = Int64(i + 1)
            sum += amount
            lines.append(
                "20261124,2026-11-24T10:15:02+08:00,pay_\(i),JN\(String(100_000_000_000_000_000 + i)),PAY,\(amount),0,CNY,SUCCESS,")
            if i % 1000 == 999 { lines.append("garbage line \(i)") }
        }
        lines.append("#TOTAL,2502,\(sum),0")
        let batches = try await Self.parse(lines.joined(separator: "\n") + "\n", batchSize: 1000)
        #expect(batches.count == 3)
        #expect(batches.dropLast().allSatisfy { $0.trailer == nil })
        #expect(batches.last?.trailer?.recordCount == 2502)
        let records = batches.flatMap(\.records)
        let issues = batches.flatMap(\.issues)
        #expect(records.count == 2500)
        #expect(issues.map(\.lineNumber) == [1002, 2003])
        // Header + records + issues + trailer == every line.
        var numbers = Set(records.map(\.lineNumber))
        numbers.formUnion(issues.map(\.lineNumber))
        numbers.formUnion([1, lines.count])
        #expect(numbers == Set(1...lines.count))
    }

    @Test func overlongLineIsReportedNotBuffered() async throws {
        let long = String(repeating: "x", count: 200_000)
        let text = Self.goodFile.replacingOccurrences(of: "#TOTAL,3,14345,12", with: "\(long)\n#TOTAL,4,14345,12")
        let batches = try await Self.parse(text)
        let issues = batches.flatMap(\.issues)
        #expect(issues.count == 1)
        #expect(issues.first?.lineNumber == 5)
        #expect(issues.first?.line.count == 512)
        #expect(batches.last?.trailer?.lineNumber == 6)
    }

    // MARK: - Download

    static let csvBody = Data(goodFile.utf8)

    @Test func downloadReproducesVector3AndVerifiesTheFile() async throws {
        let clock = FixedClock(milliseconds: 1_764_118_800_000)
        let bank = FakeBank(clock: clock) { request in
            guard request.method == "GET", request.target == "/api/v1/statement?date=20261124", request.body.isEmpty,
                request.headers.value(for: "X-JN-Signature") == "a83ad2ecc3037d01401dd307488208fc16bc83f7c70d978942251d8036e371db"
            else { return .raw(HTTPResponseMessage(status: 400)) }
            return .raw(FakeBank.signed(body: Self.csvBody, target: request.target, timestamp: clock.milliseconds + 2000, contentType: "text/csv; charset=utf-8"))
        }
        let channel = try makeChannel(bank: bank, nonce: { "n-0b77e1" })
        let destination = temporaryFile()
        defer { try? FileManager.default.removeItem(at: destination) }
        let file = try await channel.downloadStatement(StatementRequest(businessDate: Self.date, destination: destination))
        #expect(file.location == destination)
        #expect(file.byteCount == Int64(Self.csvBody.count))
        #expect(file.businessDate == Self.date)
        #expect(file.contentType?.hasPrefix("text/csv") == true)
        #expect(try Data(contentsOf: destination) == Self.csvBody)
    }

    @Test func downloadFailures() async throws {
        let target = "/api/v1/statement?date=20261124"
        let forged = FakeBank.signed(body: Self.csvBody, target: target, timestamp: Demo.vectorTime, secret: "x", contentType: "text/csv")
        var unsigned = forged
        unsigned.headers.removeAll { $0.name.hasPrefix("X-JN-") }
        func envelope(_ code: String) -> HTTPResponseMessage {
            FakeBank.signedEnvelope(code: code, msg: JiangnanCode.message(for: code), data: nil, target: target, timestamp: Demo.vectorTime)
        }
        let cases: [(String, BankAction, PaymentChannelError.Code?)] = [
            ("3005", .raw(envelope("3005")), .statementNotReady),
            ("4001", .raw(envelope("4001")), .invalidRequest),
            ("9999", .raw(envelope("9999")), .statementUnavailable),
            ("forged 3005", .raw(FakeBank.signedEnvelope(code: "3005", msg: "", data: nil, target: target, timestamp: Demo.vectorTime, secret: "x")), .statementUnavailable),
            ("forged csv", .raw(forged), .statementUnavailable),
            ("HTTP 503", .raw(HTTPResponseMessage(status: 503)), .statementUnavailable),
            ("html", .raw(HTTPResponseMessage(status: 200, headers: [HTTPHeaderField("Content-Type", "text/html")], body: Data("<html>".utf8))), .statementUnavailable),
            ("timeout", .fail(TransportError(.timedOut, "slow")), .statementUnavailable),
            ("unsigned csv", .raw(unsigned), nil),
            ("csv without content type", .raw(HTTPResponseMessage(status: 200, body: Self.csvBody)), nil),
            ("envelope without content type", .raw(HTTPResponseMessage(status: 200, body: Data(#"{"code":"3005"}"#.utf8))), .statementUnavailable),
        ]
        for (name, action, expected) in cases {
            let bank = FakeBank { _ in action }
            let destination = temporaryFile()
            defer { try? FileManager.default.removeItem(at: destination) }
            do {
                _ = try await makeChannel(bank: bank).downloadStatement(StatementRequest(businessDate: Self.date, destination: destination))
                #expect(expected == nil, "\(name) was accepted")
                #expect(FileManager.default.fileExists(atPath: destination.path))
            } catch let error as PaymentChannelError {
                #expect(error.code == expected, "\(name): \(error)")
                #expect(!FileManager.default.fileExists(atPath: destination.path), "\(name) left its file")
            }
        }
    }
}
