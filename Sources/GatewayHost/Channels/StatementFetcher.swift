import ChannelKit
import Foundation

/// Downloads a channel's statement for a business date through its plugin into the data directory and
/// parses it through the same plugin. The file is written under a temporary name and renamed when complete.
struct StatementFetcher: Sendable {
    var registry: ChannelRegistry
    var directory: URL

    struct Summary: Encodable, Sendable {
        var channel: String
        var business_date: String
        var file: String
        var bytes: Int64
        var record_count: Int
        var issue_count: Int
        var trailer: StatementTrailer?
        var records: [StatementRecord]?
        var issues: [StatementIssue]
    }

    func fetch(channelId: String, date: BusinessDate, includeRecords: Bool) async throws -> Summary {
        guard let entry = registry.channel(channelId) else { throw GatewayError.unknownChannel(channelId) }
        guard let pinned = registry.pin(channelId) else { throw GatewayError.channelUnavailable(channelId) }
        defer { pinned.release() }
        let channel = pinned.channel
        // The manifest says whether the bank has statements; a channel without them is never asked.
        guard entry.manifest?.statements != nil else {
            throw GatewayError(.unprocessableContent, "statement_unsupported", "channel '\(channelId)' offers no statement")
        }
        let final = directory.appendingPathComponent("\(channelId)-\(date.compact).statement")
        let stored = try await Self.download(channel, date: date, to: final)
        var records: [StatementRecord] = []
        var issues: [StatementIssue] = []
        var count = 0
        var trailer: StatementTrailer?
        for try await batch in channel.parseStatement(stored, batchSize: 10_000) {
            count += batch.records.count
            if includeRecords { records.append(contentsOf: batch.records) }
            issues.append(contentsOf: batch.issues)
            if let found = batch.trailer { trailer = found }
        }
        return Summary(
            channel: channelId, business_date: date.description, file: final.lastPathComponent, bytes: stored.byteCount,
            record_count: count, issue_count: issues.count, trailer: trailer, records: includeRecords ? records : nil,
            issues: issues)
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
