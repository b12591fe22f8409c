extension ScaffoldTemplates {
    /// `Sources/{{Module}}/{{Module}}StatementParser.swift` of a generated package.
    static let sourcesStatementParserSwift = ScaffoldFile(
        "Sources/{{Module}}/{{Module}}StatementParser.swift",
        #"""
import {{Module}}Protocol
import ChannelKit
import Foundation

/// Streams a statement file as batches: every line is a record, an issue (with its line number), the header
/// or the trailer — none is dropped. The trailer is checked against the lines; a missing trailer or final
/// newline is an issue on line 0 (the gateway reports it as `statement_incomplete`).
enum {{Module}}StatementParser {
    static func parse(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error> {
        AsyncThrowingStream { continuation in
            do {
                var parser = State(date: file.businessDate, batchSize: max(1, batchSize))
                let handle = try FileHandle(forReadingFrom: file.location)
                defer { try? handle.close() }
                var pending: [UInt8] = []
                while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                    pending += chunk
                    var start = 0
                    while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                        parser.line(String(decoding: pending[start..<newline], as: UTF8.self), continuation)
                        start = newline + 1
                    }
                    pending.removeFirst(start)
                }
                parser.finish(unterminated: pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self), continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }

    private struct State {
        let date: BusinessDate
        let batchSize: Int
        var batch = StatementBatch(records: [], issues: [])
        var lineNumber = 0
        var count = 0
        var amountTotal: Int64 = 0
        var feeTotal: Int64 = 0
        var trailer: StatementTrailer?
        var trailerText = ""

        init(date: BusinessDate, batchSize: Int) {
            self.date = date
            self.batchSize = batchSize
        }

        mutating func line(_ raw: String, _ continuation: AsyncThrowingStream<StatementBatch, any Error>.Continuation) {
            lineNumber += 1
            let text = raw.hasSuffix("\r") ? String(raw.dropLast()) : raw
            if lineNumber == 1 {
                if text != {{Module}}StatementFormat.header { issue(text, "not the statement header") }
            } else if trailer != nil {
                issue(text, "line after the trailer")
            } else if text.hasPrefix({{Module}}StatementFormat.trailerTag + ",") {
                let parts = text.split(separator: ",").dropFirst().map { Int64($0) }
                if parts.count == 3, let lines = parts[0], let amounts = parts[1], let fees = parts[2] {
                    trailer = StatementTrailer(lineNumber: lineNumber, recordCount: Int(lines), amountTotal: amounts, feeTotal: fees)
                    trailerText = text
                } else {
                    issue(text, "malformed trailer (expected TOTAL,lines,amount_sum,fee_sum)")
                }
            } else {
                record(text)
            }
            if batch.records.count + batch.issues.count >= batchSize {
                continuation.yield(batch)
                batch = StatementBatch(records: [], issues: [])
            }
        }

        mutating func record(_ text: String) {
            let line: {{Module}}StatementFormat.Line
            switch {{Module}}StatementFormat.Line.parse(Substring(text)) {
            case .success(let parsed): line = parsed
            case .failure(let error): return issue(text, error.reason)
            }
            guard let currency = Currency(code: line.currency) else { return issue(text, "unknown currency '\(line.currency)'") }
            let kind: TransactionKind
            switch line.kind {
            case {{Module}}Value.pay: kind = .payment
            case {{Module}}Value.refund: kind = .refund
            default: return issue(text, "unknown kind '\(line.kind)'")
            }
            let status: StatementRecord.Status
            switch line.state {
            case {{Module}}Value.succeeded: status = .succeeded
            case {{Module}}Value.failed: status = .failed
            default: return issue(text, "unknown state '\(line.state)'")
            }
            count += 1
            amountTotal &+= line.amount
            feeTotal &+= line.fee
            batch.records.append(
                StatementRecord(
                    lineNumber: lineNumber, businessDate: date,
                    finishedAt: Date(timeIntervalSince1970: TimeInterval(line.finishedAt)),
                    transactionId: line.transactionId, bankTransactionId: line.bankTransactionId, kind: kind,
                    amount: Money(minorUnits: line.amount, currency: currency), fee: Money(minorUnits: line.fee, currency: currency),
                    status: status, originalTransactionId: line.originalTransactionId.isEmpty ? nil : line.originalTransactionId))
        }

        mutating func issue(_ text: String, _ reason: String) {
            batch.issues.append(StatementIssue(lineNumber: lineNumber, line: text, reason: reason))
        }

        mutating func finish(unterminated: String?, _ continuation: AsyncThrowingStream<StatementBatch, any Error>.Continuation) {
            if let unterminated {
                line(unterminated, continuation)
                batch.issues.append(StatementIssue(lineNumber: 0, line: "", reason: "the file does not end with a newline; it may be truncated"))
            }
            if lineNumber == 0 {
                batch.issues.append(StatementIssue(lineNumber: 0, line: "", reason: "empty file: no header and no trailer"))
            } else if let trailer {
                batch.trailer = trailer
                // Counted are the transaction lines that parsed; a line that did not is an issue of its own.
                if trailer.recordCount != count || trailer.amountTotal != amountTotal || trailer.feeTotal != feeTotal {
                    batch.issues.append(StatementIssue(
                        lineNumber: trailer.lineNumber, line: trailerText,
                        reason: "trailer says \(trailer.recordCount) lines, \(trailer.amountTotal) amount, \(trailer.feeTotal) fees; the file has \(count), \(amountTotal), \(feeTotal)"))
                }
            } else {
                batch.issues.append(StatementIssue(lineNumber: 0, line: "", reason: "no TOTAL trailer; the file may be truncated"))
            }
            continuation.yield(batch)
        }
    }
}
"""#)
}
