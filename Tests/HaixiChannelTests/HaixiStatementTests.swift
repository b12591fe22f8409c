import ChannelKit
import Foundation
import HaixiProtocol
import Testing

@testable import Haixi

@Suite("Haixi statements: 1004 streamed and verified on disk, the fixed-width file parsed by line")
struct HaixiStatementTests {
    static let date = BusinessDate(year: 2026, month: 11, day: 24)!

    /// A statement of `count` detail lines (every 10th a refund, every 7th failed); the line at `malformedLine`
    /// (a failed one, so the totals stay right) gets a bad BankSerialNo.
    static func statement(count: Int, malformedLine: Int? = nil, header adjust: (inout HaixiStatement.Header) -> Void = { _ in })
        -> (text: [UInt8], amount: Int64, fee: Int64)
    {
        var lines: [[UInt8]] = []
        var amount: Int64 = 0
        var fee: Int64 = 0
        for index in 0..<count {
            let lineNumber = index + 2
            let refund = index % 10 == 9
            let succeeded = lineNumber != malformedLine && index % 7 != 3
            let seconds = index * 86_000 / max(count, 1)
            let time = String(format: "20261124%02d%02d%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
            let line = HaixiStatement.Line(
                isRefund: refund, serialNo: refund ? "ref_\(index)" : "pay_\(index)",
                bankSerialNo: "HX9" + String(format: "%019d", index + 1), finishTime: time, amount: Int64(100 + index),
                fee: Int64(index % 3), currency: "CNY", succeeded: succeeded, originalSerialNo: refund ? "pay_\(index - 1)" : "")
            var bytes = HaixiStatement.write(line)!
            if lineNumber == malformedLine { bytes.replaceSubrange(34..<36, with: Array("XX".utf8)) }
            if succeeded {
                amount += line.amount
                fee += line.fee
            }
            lines.append(bytes)
        }
        var header = HaixiStatement.Header(
            billDate: "20261124", merchantId: Demo.merchantId, recordCount: count, totalAmount: amount, totalFee: fee)
        adjust(&header)
        var text = HaixiStatement.write(header)! + Array("\r\n".utf8)
        for line in lines { text += line + Array("\r\n".utf8) }
        return (text, amount, fee)
    }

    static func parse(_ bytes: [UInt8], batchSize: Int = 1000) async throws -> [StatementBatch] {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("statement.txt")
        try Data(bytes).write(to: url)
        let channel = try makeChannel(bank: FakeBank { _ in .fail(TransportError(.notSent, "unused")) })
        var batches: [StatementBatch] = []
        let file = StatementFile(businessDate: date, location: url, byteCount: Int64(bytes.count), contentType: nil)
        for try await batch in channel.parseStatement(file, batchSize: batchSize) { batches.append(batch) }
        return batches
    }

    /// The 1004 answer carrying `content`.
    static func answer(content: [UInt8], fileSize: Int? = nil, signer: HaixiSigner = Demo.bank) -> BankAnswer {
        BankAnswer(
            code: "000000",
            body: [
                ("FileName", "HX310000001_20261124.txt"), ("FileSize", String(fileSize ?? content.count)),
                ("FileContent", Data(content).base64EncodedString(options: .lineLength76Characters)),
            ],
            signer: signer)
    }

    // MARK: - Download

    @Test("a large answer is verified and decoded into the destination; the temporary file is gone; parsed with the malformed line's number")
    func downloadAndParse() async throws {
        let (content, amount, fee) = Self.statement(count: 30_000, malformedLine: 1_004)
        let answer = Self.answer(content: content)
        let bank = FakeBank { request in
            #expect(request.txCode == "1004")
            #expect(request.fields == ["BillDate": "20261124"])
            return .answer(answer)
        }
        let channel = try makeChannel(bank: bank)
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("haixi-20261124.txt")
        let file = try await channel.downloadStatement(StatementRequest(businessDate: Self.date, destination: destination))
        #expect(file.location == destination)
        #expect(file.byteCount == Int64(content.count))
        #expect(try Data(contentsOf: destination) == Data(content))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["haixi-20261124.txt"])

        var records: [StatementRecord] = []
        var issues: [StatementIssue] = []
        var trailer: StatementTrailer?
        for try await batch in channel.parseStatement(file, batchSize: 4096) {
            #expect(batch.records.count <= 4096)
            records += batch.records
            issues += batch.issues
            if let found = batch.trailer { trailer = found }
        }
        #expect(records.count == 29_999)
        #expect(issues.count == 1)
        #expect(issues.first?.lineNumber == 1_004)
        #expect(issues.first?.reason.contains("BankSerialNo") == true)
        #expect(trailer == StatementTrailer(lineNumber: 1, recordCount: 30_000, amountTotal: amount, feeTotal: fee))

        let pay = records[0]
        #expect(pay.lineNumber == 2)
        #expect(pay.transactionId == "pay_0")
        #expect(pay.bankTransactionId == "HX90000000000000000001")
        #expect(pay.kind == .payment)
        #expect(pay.amount == Demo.money(100))
        #expect(pay.fee == Demo.money(0))
        #expect(pay.status == .succeeded)
        #expect(pay.originalTransactionId == nil)
        #expect(pay.businessDate == Self.date)
        #expect(pay.finishedAt == HaixiTime.parse("20261124000000"))
        let refund = records[9]
        #expect(refund.kind == .refund)
        #expect(refund.transactionId == "ref_9")
        #expect(refund.originalTransactionId == "pay_8")
        #expect(records[3].status == .failed)
        #expect(records.map(\.lineNumber) == Array(2...30_001).filter { $0 != 1_004 })
    }

    @Test("300005 is not ready; forged, foreign, refused or wrongly sized answers are unavailable and leave no file")
    func downloadRefusals() async throws {
        let content = Self.statement(count: 3).text
        let cases: [(BankAnswer, PaymentChannelError.Code)] = [
            (BankAnswer(code: "300005", message: "bill not generated yet"), .statementNotReady),
            (Self.answer(content: content, signer: Demo.stranger), .statementUnavailable),
            (BankAnswer(code: "300005", signer: Demo.stranger), .statementUnavailable),
            (Self.answer(content: content, fileSize: content.count + 1), .statementUnavailable),
            (BankAnswer(code: "999999"), .statementUnavailable),
            ({ var a = Self.answer(content: content); a.headOverrides = ["SerialNo": "bill_other"]; return a }(), .statementUnavailable),
            (BankAnswer(code: "000000", body: [("FileName", "x"), ("FileSize", "3"), ("FileContent", "not base64!")]), .statementUnavailable),
        ]
        for (index, (answer, code)) in cases.enumerated() {
            let channel = try makeChannel(bank: FakeBank { _ in .answer(answer) })
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let destination = folder.appendingPathComponent("s.txt")
            let error = await #expect(throws: PaymentChannelError.self, "case \(index)") {
                try await channel.downloadStatement(StatementRequest(businessDate: Self.date, destination: destination))
            }
            #expect(error?.code == code, "case \(index): \(error?.message ?? "")")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "case \(index)")
        }
        for action in [BankAction.raw(HTTPResponseMessage(status: 503)), .fail(TransportError(.timedOut, "slow"))] {
            let channel = try makeChannel(bank: FakeBank { _ in action })
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let error = await #expect(throws: PaymentChannelError.self) {
                try await channel.downloadStatement(StatementRequest(businessDate: Self.date, destination: folder.appendingPathComponent("s.txt")))
            }
            #expect(error?.code == .statementUnavailable)
        }
    }

    @Test("the streamed reader finds <Head> wherever a chunk boundary cuts it, and verifies the same signature")
    func envelopeFileAcrossChunks() throws {
        let message = HaixiMessage(
            head: [("TxCode", "1004"), ("MerId", Demo.merchantId), ("TxTime", "20261125100000"), ("SerialNo", "bill_1"),
                   ("RespCode", "000000"), ("RespMsg", "OK")],
            body: [("FileName", "a&amp;b"), ("FileSize", "6"), ("FileContent", String(repeating: "QUJD", count: 3000))])
        let bytes = try message.encoded(signedBy: Demo.bank)
        let prolog = HaixiMessage.prolog.count
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let verifier = try HaixiVerifier(publicKeyPEM: Demo.bank.publicKeyPEM)
        for shift in 4080...4096 {
            // Spaces before <Message> move <Head> across the 4096-byte chunk boundary.
            let padded = Array(repeating: UInt8(ascii: " "), count: shift - 9) + Array(bytes[prolog...])
            let url = folder.appendingPathComponent("m\(shift).xml")
            try Data(padded).write(to: url)
            let read = try HaixiEnvelopeFile.read(url, largeElement: "FileContent", chunkSize: 4096)
            #expect(read.isSigned(by: verifier), "shift \(shift)")
            #expect(read.head["SerialNo"] == "bill_1")
            #expect(read.body["FileName"] == "a&amp;b")
            let range = try #require(read.largeElementRange)
            #expect(range.count == 12_000)
            let out = folder.appendingPathComponent("o\(shift)")
            #expect(try HaixiEnvelopeFile.decodeBase64(range, of: url, into: out, chunkSize: 4096) == 9000)
        }
    }

    // MARK: - Parsing

    @Test("header totals that disagree are issues on line 1, the header's line, with the totals as the trailer")
    func headerMismatch() async throws {
        let (text, amount, _) = Self.statement(count: 20) { header in
            header.recordCount = 21
            header.totalAmount += 1
            header.totalFee += 2
        }
        let batches = try await Self.parse(text, batchSize: 7)
        #expect(batches.flatMap(\.records).count == 20)
        #expect(batches.dropLast().allSatisfy { $0.trailer == nil })
        let trailer = try #require(batches.last?.trailer)
        #expect(trailer.lineNumber == 1)
        #expect(trailer.recordCount == 21)
        #expect(trailer.amountTotal == amount + 1)
        let issues = batches.flatMap(\.issues)
        #expect(issues.count == 3)
        #expect(issues.allSatisfy { $0.lineNumber == 1 })
        #expect(issues.map(\.reason).contains { $0.contains("RecordCount 21") && $0.contains("20 detail lines") })
        #expect(issues.map(\.reason).contains { $0.contains("TotalAmount") })
        #expect(issues.map(\.reason).contains { $0.contains("TotalFee") })
    }

    @Test("every line is accounted for: bad lines by number, a bad header, a missing final line end, an empty file")
    func badLines() async throws {
        var (text, _, _) = Self.statement(count: 5)
        // Line 3 without its \r; line 5 cut short.
        let lineStart = { (line: Int) in 64 + (line - 2) * 129 }
        text.remove(at: lineStart(3) + 127)
        text.removeSubrange((lineStart(5) - 1 + 100)..<(lineStart(5) - 1 + 127))
        text.removeLast(2)
        let batches = try await Self.parse(text)
        let issues = batches.flatMap(\.issues)
        #expect(batches.flatMap(\.records).map(\.lineNumber) == [2, 4, 6])
        #expect(issues.contains { $0.lineNumber == 3 && $0.reason.contains("\\r\\n") })
        #expect(issues.contains { $0.lineNumber == 5 && $0.reason.contains("100 characters") })
        #expect(issues.contains { $0.lineNumber == 0 && $0.reason.contains("truncated") })
        #expect(batches.last?.trailer?.recordCount == 5)
        // Line 3 is a 00 line the parser could not read: the header's TotalAmount no longer adds up.
        #expect(issues.contains { $0.lineNumber == 1 && $0.reason.contains("TotalAmount") && $0.reason.contains("2 detail lines") })

        let badHeader = try await Self.parse(Array("X20261124\r\n".utf8) + Array(Self.statement(count: 1).text.dropFirst(64)))
        #expect(badHeader.last?.trailer == nil)
        #expect(badHeader.flatMap(\.issues).contains { $0.lineNumber == 1 })
        #expect(badHeader.flatMap(\.issues).contains { $0.lineNumber == 0 })
        #expect(badHeader.flatMap(\.records).count == 1)

        let otherDay = try await Self.parse(Self.statement(count: 1) { $0.billDate = "20261123" }.text)
        #expect(otherDay.flatMap(\.issues).contains { $0.lineNumber == 1 && $0.reason.contains("20261123") })

        let empty = try await Self.parse([])
        #expect(empty.flatMap(\.issues).map(\.lineNumber) == [0])
    }
}
