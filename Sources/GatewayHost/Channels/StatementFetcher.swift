import ChannelKit
import Foundation
import GatewayAPI

/// Downloads a channel's statement for a business date through its plugin into the data directory and
/// parses it through the same plugin. The file is written under a temporary name and renamed when complete.
struct StatementFetcher: Sendable {
    var registry: ChannelRegistry
    var directory: URL

    /// Downloads and parses the statement of `date`; the records only with `includeRecords`. Unknown channel
    /// 404, a channel without an instance (its plugin refused the config) 503, no statements 422, not yet 409,
    /// download failures 502 `statement_unavailable`, a parser that fails 502 `statement_unreadable`.
    func fetch(channelId: String, date: BusinessDate, includeRecords: Bool) async throws -> AdminStatementSummary {
        guard let entry = registry.channel(channelId) else {
            throw GatewayError.channelNotFound(channelId)
        }
        guard let pinned = registry.pin(channelId) else { throw GatewayError.channelUnavailable(channelId) }
        defer { pinned.release() }
        let channel = pinned.channel
        // The manifest says whether the bank has statements; a channel without them is never asked.
        guard entry.manifest?.statements != nil else {
            throw GatewayError(.unprocessableContent, "statement_unsupported", "channel '\(channelId)' offers no statement")
        }
        let final = directory.appendingPathComponent("\(channelId)-\(date.compact).statement")
        let stored = try await Self.download(channel, date: date, to: final)
        var records: [AdminStatementRecord] = []
        var issues: [AdminStatementIssue] = []
        var count = 0
        var trailer: StatementTrailer?
        do {
            for try await batch in channel.parseStatement(stored, batchSize: 10_000) {
                count += batch.records.count
                if includeRecords { records.append(contentsOf: batch.records.map(Self.adminRecord)) }
                issues.append(contentsOf: batch.issues.map { AdminStatementIssue(lineNumber: $0.lineNumber, line: $0.line, reason: $0.reason) })
                if let found = batch.trailer { trailer = found }
            }
        } catch {
            throw GatewayError(.badGateway, "statement_unreadable", "the plugin could not read the statement: \(error)")
        }
        return AdminStatementSummary(
            channel: channelId, businessDate: date.description, file: final.lastPathComponent, bytes: stored.byteCount,
            recordCount: count, issueCount: issues.count,
            trailer: trailer.map {
                AdminStatementTrailer(
                    lineNumber: $0.lineNumber, recordCount: $0.recordCount, amountTotal: $0.amountTotal, feeTotal: $0.feeTotal)
            },
            records: includeRecords ? records : nil, issues: issues)
    }

    /// A record in the admin API's snake_case, amounts as minor units with their currency.
    static func adminRecord(_ record: StatementRecord) -> AdminStatementRecord {
        AdminStatementRecord(
            lineNumber: record.lineNumber, businessDate: record.businessDate.description,
            finishedAt: record.finishedAt.map(JSONBody.timestamp), transactionId: record.transactionId,
            bankTransactionId: record.bankTransactionId, kind: record.kind.rawValue, amount: record.amount.minorUnits,
            currency: record.amount.currency.code, fee: record.fee.minorUnits, feeCurrency: record.fee.currency.code,
            status: record.status.rawValue, originalTransactionId: record.originalTransactionId)
    }

    /// Downloads the statement of `date` through `channel` into `final`: written under a temporary name in the
    /// same directory and renamed when complete, so a reader never sees half a file.
    static func download(_ channel: any PaymentChannel, date: BusinessDate, to final: URL) async throws -> StatementFile {
        let directory = final.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let partial = directory.appendingPathComponent(".\(final.lastPathComponent).\(UUID().uuidString).partial")
        let file: StatementFile
        do {
            file = try await channel.downloadStatement(StatementRequest(businessDate: date, destination: partial))
        } catch let error as PaymentChannelError {
            try? FileManager.default.removeItem(at: partial)
            switch error.code {
            case .statementNotReady:
                throw GatewayError(.conflict, "statement_not_ready", "the bank has no statement for \(date) yet")
            case .invalidRequest:
                throw GatewayError(.unprocessableContent, "invalid_date", "the bank refused the date \(date)")
            default:
                throw GatewayError(.badGateway, "statement_unavailable", "the statement could not be downloaded: \(error.message)")
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        if rename(partial.path, final.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: partial)
            throw GatewayError(.internalServerError, "statement_unavailable", "the statement could not be stored: \(reason)")
        }
        return StatementFile(
            businessDate: file.businessDate, location: final, byteCount: file.byteCount, contentType: file.contentType)
    }
}
