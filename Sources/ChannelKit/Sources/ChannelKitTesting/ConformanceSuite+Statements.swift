import ChannelKit
import Foundation

/// A downloaded and parsed statement, shared by the two statement rules of one suite.
struct StatementRun: Sendable {
    var date: BusinessDate
    var payments: [PayRequest]
    var declined: [PayRequest]
    var refunds: [RefundRequest]
    var file: StatementFile
    var records: [StatementRecord]
    var issues: [StatementIssue]
    var trailer: StatementTrailer?
    /// The file's lines (without line ends), when it is plain text.
    var lines: [String]?
}

/// The statement run of a suite, made once.
final class StatementCache: @unchecked Sendable {
    private let lock = NSLock()
    private var run: Result<StatementRun, ConformanceFailure>?
    func get() -> Result<StatementRun, ConformanceFailure>? { lock.withLock { run } }
    func set(_ value: Result<StatementRun, ConformanceFailure>) { lock.withLock { run = value } }
}

extension ConformanceSuite {
    /// Makes payments, has the bank publish their day's statement, downloads and parses it (once per suite).
    func statementRun(_ rule: ConformanceRule) async throws -> StatementRun {
        guard plugin.manifest.statements != nil else {
            throw ConformanceUnsupported("the manifest declares no statements")
        }
        if let cached = statements.get() {
            switch cached {
            case .success(let run): return run
            case .failure(let failure): throw ConformanceFailure(rule, failure.message)
            }
        }
        do {
            let run = try await makeStatementRun(rule)
            statements.set(.success(run))
            return run
        } catch let failure as ConformanceFailure {
            statements.set(.failure(failure))
            throw failure
        }
    }

    private func makeStatementRun(_ rule: ConformanceRule) async throws -> StatementRun {
        let configuration = try await bank.configuration()
        let channel = try await makeChannel(configuration)
        var payments: [PayRequest] = []
        var refunds: [RefundRequest] = []
        for _ in 0..<2 {
            let (payment, outcome) = try await approvedPayment(rule, channel, configuration)
            payments.append(payment)
            if refunds.isEmpty {
                let part = plugin.manifest.capabilities.partialRefund ? max(1, payment.amount.minorUnits / 4) : payment.amount.minorUnits
                let request = refundRequest(payment, outcome, part)
                let attempt = try await refund(channel, request)
                if attempt.outcome.status == .succeeded { refunds.append(request) }
            }
        }
        var declined: [PayRequest] = []
        if let request = try? await bank.arrange(.decline, for: try newPayment(configuration)) {
            let attempt = try await pay(channel, request)
            if attempt.outcome.status == .declined { declined.append(request) }
        }
        let date = try await bank.prepareStatement(containing: payments + declined)
        let statementChannel = try await makeChannel(configuration)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("statement-\(date.compact)")
        let file: StatementFile
        do {
            let request = StatementRequest(businessDate: date, destination: destination)
            file = try await timed("downloadStatement(\(date))") { try await statementChannel.downloadStatement(request) }
        } catch let timeout as CallTimedOut {
            throw timeout
        } catch {
            observed.add(Self.describe(error))
            throw ConformanceFailure(rule, "downloadStatement(\(date)) threw \(Self.describe(error)) after the bank published it")
        }
        var records: [StatementRecord] = []
        var issues: [StatementIssue] = []
        var trailer: StatementTrailer?
        do {
            let parsed = file
            let batches = try await timed("parseStatement") { () async throws -> [StatementBatch] in
                var all: [StatementBatch] = []
                for try await batch in statementChannel.parseStatement(parsed, batchSize: 2) { all.append(batch) }
                return all
            }
            for batch in batches {
                records += batch.records
                issues += batch.issues
                if let found = batch.trailer {
                    if trailer != nil { throw ConformanceFailure(rule, "the statement's batches carry two trailers") }
                    trailer = found
                }
            }
        } catch let failure as ConformanceFailure {
            throw failure
        } catch let timeout as CallTimedOut {
            throw timeout
        } catch {
            observed.add(Self.describe(error))
            throw ConformanceFailure(rule, "parseStatement of \(date)'s statement threw \(Self.describe(error))")
        }
        return StatementRun(
            date: date, payments: payments, declined: declined, refunds: refunds, file: file, records: records,
            issues: issues, trailer: trailer, lines: Self.textLines(of: file.location))
    }

    /// The lines of a plain-text file (not compressed, no NUL byte); `nil` otherwise.
    static func textLines(of url: URL) -> [String]? {
        guard let data = try? Data(contentsOf: url), !data.isEmpty else { return nil }
        if data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b { return nil }
        if data.contains(0) { return nil }
        var lines = data.split(separator: 0x0a, omittingEmptySubsequences: false).map { line -> String in
            var bytes = Data(line)
            if bytes.last == 0x0d { bytes.removeLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    func checkStatementLines() async throws {
        let rule = ConformanceRule.statementLinesAccounted
        let run = try await statementRun(rule)
        var seen: [Int: String] = [:]
        func account(_ line: Int, _ what: String) throws {
            if let earlier = seen[line] {
                throw ConformanceFailure(rule, "line \(line) is reported twice (\(earlier) and \(what))")
            }
            seen[line] = what
        }
        for record in run.records { try account(record.lineNumber, "a record") }
        for issue in run.issues where issue.lineNumber > 0 { try account(issue.lineNumber, "an issue") }
        if let trailer = run.trailer { try account(trailer.lineNumber, "the trailer") }
        let total = run.lines?.count ?? (seen.keys.max() ?? 0)
        if let beyond = seen.keys.filter({ $0 < 1 || $0 > total }).min() {
            throw ConformanceFailure(rule, "line \(beyond) is reported, but the statement has \(total) lines")
        }
        let header = bank.statementHeaderLines
        var missing: [Int] = []
        for line in 1...max(total, 1) where total > 0 && seen[line] == nil {
            if line <= header { continue }
            if let text = run.lines?[line - 1], text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            missing.append(line)
        }
        guard missing.isEmpty else {
            let list = missing.prefix(10).map(String.init).joined(separator: ", ")
            throw ConformanceFailure(
                rule,
                "line\(missing.count == 1 ? "" : "s") \(list) of the \(total)-line statement of \(run.date) \(missing.count == 1 ? "is" : "are") neither a record, an issue, the header nor the trailer: dropped")
        }
        if let trailer = run.trailer {
            let dataLines = run.records.count + run.issues.filter { $0.lineNumber > 0 }.count
            if trailer.recordCount != run.records.count && trailer.recordCount != dataLines {
                throw ConformanceFailure(
                    rule, "the trailer counts \(trailer.recordCount) transaction lines, the batches carry \(run.records.count) records and \(dataLines - run.records.count) issues")
            }
        }
    }

    func checkStatementMatches() async throws {
        let rule = ConformanceRule.statementMatchesPayments
        let run = try await statementRun(rule)
        for payment in run.payments {
            let lines = run.records.filter { $0.transactionId == payment.transactionId && $0.kind == .payment }
            guard lines.count == 1, let record = lines.first else {
                throw ConformanceFailure(
                    rule, "the succeeded payment \(payment.transactionId) appears \(lines.count) times in the statement of \(run.date)")
            }
            guard record.status == .succeeded, record.amount == payment.amount else {
                throw ConformanceFailure(
                    rule,
                    "the statement reports payment \(payment.transactionId) of \(payment.amount) as \(record.status.rawValue) \(record.amount) (line \(record.lineNumber))")
            }
        }
        for refund in run.refunds {
            let lines = run.records.filter { $0.transactionId == refund.transactionId && $0.kind == .refund }
            guard lines.count == 1, let record = lines.first else {
                throw ConformanceFailure(
                    rule, "the succeeded refund \(refund.transactionId) appears \(lines.count) times in the statement of \(run.date)")
            }
            guard record.status == .succeeded, record.amount == refund.amount,
                record.originalTransactionId == nil || record.originalTransactionId == refund.paymentTransactionId
            else {
                throw ConformanceFailure(
                    rule,
                    "the statement reports refund \(refund.transactionId) of \(refund.amount) of \(refund.paymentTransactionId) as \(record.status.rawValue) \(record.amount) of \(record.originalTransactionId ?? "?") (line \(record.lineNumber))")
            }
        }
        for payment in run.declined {
            if let record = run.records.first(where: { $0.transactionId == payment.transactionId && $0.status == .succeeded }) {
                throw ConformanceFailure(
                    rule, "the declined payment \(payment.transactionId) appears succeeded in the statement (line \(record.lineNumber))")
            }
        }
    }
}
