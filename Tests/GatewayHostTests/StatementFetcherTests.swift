import ChannelKit
import Foundation
import GatewayAPI
import Testing

@testable import GatewayHost

/// The statement endpoint's core in process, with a scripted channel: what a plugin's download and parse become
/// on the admin API (the mapping to the snake_case wire types, and each failure's status and code), including
/// the cases no real bank simulator produces, such as a parser that cannot read the file at all.
@Suite("StatementFetcher")
struct StatementFetcherTests {
    static let cny = Currency(code: "CNY")!
    static let date = BusinessDate("2026-11-24")!

    /// A channel whose statement download and parse do what the test says.
    struct ScriptedStatements: PaymentChannel {
        enum Parse: Sendable {
            case batches([StatementBatch])
            case fails(any Error & Sendable)
        }
        var downloadError: PaymentChannelError?
        var parse: Parse
        func pay(_ request: PayRequest) async throws -> ChannelOutcome { .notSent("unused") }
        func refund(_ request: RefundRequest) async throws -> ChannelOutcome { .notSent("unused") }
        func query(_ request: QueryRequest) async throws -> QueryResult { .notFound(bankCode: "none") }

        func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
            if let downloadError { throw downloadError }
            let bytes = Data("H,20261124\nnot a statement line\n".utf8)
            try bytes.write(to: request.destination)
            return StatementFile(
                businessDate: request.businessDate, location: request.destination, byteCount: Int64(bytes.count),
                contentType: "text/csv")
        }

        func parseStatement(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error> {
            let parse = self.parse
            return AsyncThrowingStream { continuation in
                switch parse {
                case .batches(let batches):
                    for batch in batches { continuation.yield(batch) }
                    continuation.finish()
                case .fails(let error):
                    continuation.finish(throwing: error)
                }
            }
        }
    }

    /// Runs `body` with a fetcher over one channel "c" (without a running instance when `channel` is nil), then
    /// retires the instance (and its transport).
    static func withFetcher<T>(
        _ channel: ScriptedStatements?, statements: Bool = true, in directory: TestDirectory,
        _ body: (StatementFetcher) async throws -> T
    ) async throws -> T {
        let manifest = PluginManifest(
            id: "scripted", version: "1.0.0", displayName: "Scripted", currencies: [CurrencyBound(cny, maximumMinorUnits: 100)],
            statements: statements
                ? StatementSupport(format: "csv", timeZoneIdentifier: "Asia/Shanghai", availableAfterDayEnd: .seconds(3600))
                : nil)
        let instance = channel.map { ChannelKit2HostTests.instance($0) }
        let entry = ChannelEntry(
            id: "c", pluginId: "scripted", pluginVersion: "1.0.0", online: true, state: channel == nil ? .misconfigured : .ready,
            error: nil, configFile: "c.yaml", limits: [CurrencyBound(cny, maximumMinorUnits: 100)],
            endpoint: URL(string: "http://127.0.0.1:9")!, timeouts: ChannelTimeouts(), manifest: manifest, instance: instance)
        let fetcher = StatementFetcher(
            registry: ChannelRegistry(channels: ["c": entry], plugins: [], configErrors: []),
            directory: directory.url.appendingPathComponent("statements"))
        do {
            let result = try await body(fetcher)
            await instance?.retire()
            return result
        } catch {
            await instance?.retire()
            throw error
        }
    }

    /// The status and code `fetch` fails with (nil when it does not fail with a `GatewayError`).
    static func failure(
        _ fetcher: StatementFetcher, channel: String = "c"
    ) async -> (Int, String)? {
        do {
            _ = try await fetcher.fetch(channelId: channel, date: date, includeRecords: true)
            return nil
        } catch let error as GatewayError {
            return (error.status.code, error.code)
        } catch {
            return nil
        }
    }

    @Test("records, issues and trailer become the admin API's snake_case types; records only when asked for")
    func mapping() async throws {
        let directory = try TestDirectory("statement-fetcher-mapping")
        let finished = Date(timeIntervalSince1970: 1_795_000_000.25)
        let payment = StatementRecord(
            lineNumber: 2, businessDate: Self.date, finishedAt: finished, transactionId: "pay_1", bankTransactionId: "B1",
            kind: .payment, amount: Money(minorUnits: 1000, currency: Self.cny), fee: Money(minorUnits: 6, currency: Self.cny),
            status: .succeeded, originalTransactionId: nil)
        let refund = StatementRecord(
            lineNumber: 3, businessDate: Self.date, finishedAt: nil, transactionId: "rfd_1", bankTransactionId: "B2",
            kind: .refund, amount: Money(minorUnits: 300, currency: Self.cny), fee: Money(minorUnits: 0, currency: Self.cny),
            status: .failed, originalTransactionId: "pay_1")
        let batches = [
            StatementBatch(records: [payment], issues: [StatementIssue(lineNumber: 4, line: "garbage", reason: "not 9 fields")]),
            StatementBatch(
                records: [refund], issues: [StatementIssue(lineNumber: 0, line: "", reason: "trailer count differs")],
                trailer: StatementTrailer(lineNumber: 5, recordCount: 2, amountTotal: 1300, feeTotal: 6)),
        ]
        let (summary, counted) = try await Self.withFetcher(ScriptedStatements(parse: .batches(batches)), in: directory) {
            (
                try await $0.fetch(channelId: "c", date: Self.date, includeRecords: true),
                try await $0.fetch(channelId: "c", date: Self.date, includeRecords: false)
            )
        }
        #expect(summary.channel == "c" && summary.businessDate == "2026-11-24" && summary.file == "c-20261124.statement")
        #expect(summary.bytes == 32 && summary.recordCount == 2 && summary.issueCount == 2)
        #expect(
            summary.records == [
                AdminStatementRecord(
                    lineNumber: 2, businessDate: "2026-11-24", finishedAt: JSONBody.timestamp(finished), transactionId: "pay_1",
                    bankTransactionId: "B1", kind: "payment", amount: 1000, currency: "CNY", fee: 6, feeCurrency: "CNY",
                    status: "succeeded", originalTransactionId: nil),
                AdminStatementRecord(
                    lineNumber: 3, businessDate: "2026-11-24", finishedAt: nil, transactionId: "rfd_1", bankTransactionId: "B2",
                    kind: "refund", amount: 300, currency: "CNY", fee: 0, feeCurrency: "CNY", status: "failed",
                    originalTransactionId: "pay_1"),
            ])
        #expect(
            summary.issues == [
                AdminStatementIssue(lineNumber: 4, line: "garbage", reason: "not 9 fields"),
                AdminStatementIssue(lineNumber: 0, line: "", reason: "trailer count differs"),
            ])
        #expect(summary.trailer == AdminStatementTrailer(lineNumber: 5, recordCount: 2, amountTotal: 1300, feeTotal: 6))
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("statements/c-20261124.statement").path))

        // On the wire: snake_case keys only, amounts as integers, the finish time as the admin API's UTC timestamp.
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any])
        let record = try #require((json["records"] as? [[String: Any]])?.first)
        #expect(
            Set(record.keys) == [
                "line_number", "business_date", "finished_at", "transaction_id", "bank_transaction_id", "kind", "amount",
                "currency", "fee", "fee_currency", "status",
            ], "\(record)")
        #expect(record["amount"] as? Int == 1000 && record["fee"] as? Int == 6)
        #expect((record["finished_at"] as? String)?.hasSuffix("Z") == true, "\(record)")
        let trailer = try #require(json["trailer"] as? [String: Any])
        #expect(Set(trailer.keys) == ["line_number", "record_count", "amount_total", "fee_total"])
        let keys = Set(json.keys)
        #expect(keys.isSuperset(of: ["business_date", "record_count", "issue_count"]), "\(keys)")
        // Without records=true: the counts, no records.
        #expect(counted.records == nil && counted.recordCount == 2 && counted.issues.count == 2)
    }

    @Test("a file the plugin cannot parse at all is 502 statement_unreadable")
    func unreadable() async throws {
        let directory = try TestDirectory("statement-fetcher-unreadable")
        struct NotCSV: Error {}
        for error in [PaymentChannelError(.statementUnavailable, "cannot open statement") as any Error & Sendable, NotCSV()] {
            let failure = try await Self.withFetcher(ScriptedStatements(parse: .fails(error)), in: directory) { await Self.failure($0) }
            #expect(failure ?? (0, "") == (502, "statement_unreadable"), "\(error)")
        }
    }

    @Test("each failure has its status and code: 404, 409, 422, 502, 503")
    func failures() async throws {
        let directory = try TestDirectory("statement-fetcher-failures")
        let parsed = ScriptedStatements.Parse.batches([])
        func refusing(_ code: PaymentChannelError.Code) -> ScriptedStatements {
            ScriptedStatements(downloadError: PaymentChannelError(code, "the bank says no"), parse: parsed)
        }
        let cases: [(String, ScriptedStatements?, Bool, String, (Int, String))] = [
            ("an unknown channel", ScriptedStatements(parse: parsed), true, "nope", (404, "unknown_channel")),
            ("a channel without a running instance", nil, true, "c", (503, "channel_unavailable")),
            ("a bank without statements", ScriptedStatements(parse: parsed), false, "c", (422, "statement_unsupported")),
            ("a day the bank has no statement for yet", refusing(.statementNotReady), true, "c", (409, "statement_not_ready")),
            ("a date the bank refuses", refusing(.invalidRequest), true, "c", (422, "invalid_date")),
            ("a download that fails", refusing(.statementUnavailable), true, "c", (502, "statement_unavailable")),
        ]
        for (name, channel, statements, id, expected) in cases {
            let failure = try await Self.withFetcher(channel, statements: statements, in: directory) {
                await Self.failure($0, channel: id)
            }
            #expect(failure ?? (0, "") == expected, "\(name): \(String(describing: failure))")
        }
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("statements").path)) ?? []
        #expect(leftovers.allSatisfy { !$0.hasSuffix(".partial") }, "a failed download leaves no partial file: \(leftovers)")
    }
}
