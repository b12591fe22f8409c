import ArgumentParser
import ChannelKit
import Foundation
import Logging

/// `gateway recon-generate`: fills a ledger with one channel's business day and writes that bank's statement
/// for it, with a known number of each discrepancy class and an answer key. Test and benchmark data only:
/// it writes ledger rows directly, never through the payments core — point it at a throwaway ledger.
struct ReconGenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recon-generate",
        abstract: "Generate a reconciliation test day: ledger rows, the bank's statement, an answer key (test data only).")

    @Option(help: "The SQLite ledger's directory (the gateway's --data-dir).")
    var dataDir: String?

    @Option(help: "postgres://…: fill this PostgreSQL ledger instead.")
    var databaseURL: String?

    @Option(help: "The channel id the rows belong to.")
    var channel = "jiangnan"

    @Option(help: "The business date, yyyy-MM-dd.")
    var date: String

    @Option(help: "The bank's time zone (the business day's window).")
    var timeZone = "Asia/Shanghai"

    @Option(help: "The currency of the rows.")
    var currency = "CNY"

    @Option(help: "The merchant id of the rows.")
    var merchant = "generated"

    @Option(help: "Settled rows that match (payments, and every tenth a refund).")
    var rows = 100_000

    @Option(help: "How many cases of each discrepancy class to inject.")
    var each = 10

    @Option(help: "Random seed (the same seed gives the same day).")
    var seed: UInt64 = 1

    @Option(help: "Statement format: \(GeneratedFiles.Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format = "jiangnan"

    @Option(help: "The bank's merchant number in the statement's header (Minbei's mer_id, Haixi's MerId; default by format).")
    var bankMerchantId: String?

    @Option(help: "Where to write the statement (default: DATA_DIR/statements/CHANNEL/DATE.statement, where a run finds it).")
    var statementOut: String?

    @Option(help: "Where to write the answer key (JSON).")
    var answerKey: String?

    @Option(help: "Also write ledger.csv and statement.csv for the pandas reference into this directory.")
    var pandasDir: String?

    func validate() throws {
        guard (dataDir == nil) != (databaseURL == nil) else { throw ValidationError("give one of --data-dir and --database-url") }
        guard BusinessDate(date) != nil, date.count == 10 else { throw ValidationError("--date must be yyyy-MM-dd") }
        guard TimeZone(identifier: timeZone) != nil else { throw ValidationError("--time-zone is not a time zone") }
        guard Currency(code: currency) != nil else { throw ValidationError("--currency is not an ISO 4217 code") }
        guard GeneratedFiles.Format(rawValue: format) != nil else { throw ValidationError("unknown --format \(format)") }
        guard rows >= 0, each >= 0 else { throw ValidationError("--rows and --each must not be negative") }
        guard dataDir != nil || statementOut != nil else { throw ValidationError("--statement-out is needed with --database-url") }
    }

    func run() async throws {
        do {
            try await generate()
        } catch {
            // PSQLError hides its details from `description`; this is a test tool run by its operator.
            throw ValidationFailure(String(reflecting: error))
        }
    }

    private func generate() async throws {
        let day = BusinessDate(date)!
        let logger = Logger(label: "recon-generate")
        let statement = URL(
            fileURLWithPath: statementOut ?? "\(dataDir!)/statements/\(channel)/\(day).statement")
        let files = try GeneratedFiles(
            format: GeneratedFiles.Format(rawValue: format)!, date: day, statement: statement,
            pandasDirectory: pandasDir.map { URL(fileURLWithPath: $0) }, bankMerchantId: bankMerchantId ?? (format == "haixi" ? "HX310000001" : "MB0001"))
        let chosen = GeneratedFiles.Format(rawValue: format)!
        var generator = ReconDataGenerator(
            channel: channel, date: day, timeZone: timeZone, currency: currency, merchant: merchant, rows: rows,
            each: each, seed: seed)
        (generator.bankIdPrefix, generator.bankIdDigits) = chosen.bankIdStyle
        let started = ContinuousClock.now
        let key: ReconDataGenerator.AnswerKey
        if let dataDir {
            let store = try SQLitePaymentStore(directory: URL(fileURLWithPath: dataDir))
            var sink = GeneratorSink(loader: SQLiteBulkLoader(store: store), files: files, channel: channel, merchant: merchant)
            key = try await generator.generate(into: &sink)
        } else {
            let store = try PostgresPaymentStore(url: databaseURL!, logger: logger)
            key = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                try await store.migrate()
                var sink = GeneratorSink(
                    loader: PostgresBulkLoader(store: store, logger: logger), files: files, channel: channel, merchant: merchant)
                let key = try await generator.generate(into: &sink)
                try await store.withConnection { connection in
                    _ = try await connection.query("VACUUM ANALYZE payments", logger: logger)
                    _ = try await connection.query("VACUUM ANALYZE refunds", logger: logger)
                }
                return key
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(key)
        if let answerKey {
            try data.write(to: URL(fileURLWithPath: answerKey))
        } else {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
        let elapsed = ContinuousClock.now - started
        FileHandle.standardError.write(
            Data("generated \(key.ledgerRows) ledger rows and \(key.statementLines) statement lines in \(elapsed); statement: \(statement.path)\n".utf8))
    }
}
