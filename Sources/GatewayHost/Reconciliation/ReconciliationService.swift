import ChannelKit
import Foundation
import GatewayAPI
import GatewayConfig
import Logging
import Reconciliation

/// Runs reconciliation for one (channel, business date): the statement file (downloaded through the plugin,
/// or the one downloaded before), the ledger side read from the store as a compact table, the plugin's parse
/// streamed through the matcher, compensations through the payments core, the discrepancy files, and the stored
/// run with its breaks.
struct ReconciliationService: Sendable {
    var registry: ChannelRegistry
    var payments: PaymentService
    var store: any ReconciliationStore
    /// The gateway's data directory: statements under `statements/CHANNEL/`, discrepancy files under
    /// `reconciliation/CHANNEL/DATE/`.
    var dataDirectory: URL
    /// This node's name in stored runs (`host/pid` unless `--node-name`).
    var node: String
    var logger: Logger
    var now: @Sendable () -> Date = { Date() }

    /// Progress of a run's phases, for gatewayctl's bars.
    struct Progress: Sendable, Encodable {
        var phase: String
        var done: Int64
        var total: Int64?
    }

    struct Options: Sendable {
        var refetch = false
        /// Lines per parsed batch: small enough that a batch's array is reused by the allocator instead of
        /// being mapped fresh (and page-faulted) each time.
        var batchSize = 2048
        /// Parsed batches the plugin may be ahead of the matcher (memory: about 0.6 MB per 2,048-line batch).
        /// A few, so that the parser keeps going while the matcher works on one; more does not make a run
        /// faster, as the ledger read already keeps both cores busy (measured at 2,000,000 rows: 256k lines
        /// ahead were no faster than 64k and held 60 MB more).
        var prefetchBatches = 32
        /// A scheduled run: the node holding the job's lease (checked when the run is stored).
        var lease: String? = nil
    }

    func statementFile(channelId: String, date: BusinessDate) -> URL {
        dataDirectory.appendingPathComponent("statements/\(channelId)/\(date).statement")
    }

    func discrepancyDirectory(channelId: String, date: BusinessDate) -> URL {
        dataDirectory.appendingPathComponent("reconciliation/\(channelId)/\(date)")
    }

    func run(
        channelId: String, date: BusinessDate, options: Options = Options(),
        progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws -> ReconciliationRun {
        defer { Self.returnFreedMemory() }
        return try await reconcile(channelId: channelId, date: date, options: options, progress: progress)
    }

    /// Gives the memory a run freed back to the system. A run allocates a few hundred MB on several threads;
    /// glibc keeps what each thread's arena freed for reuse, so without this every run on another thread
    /// adds its own high-water mark to the process (measured: +40 MB resident per 2,000,000-row run).
    static func returnFreedMemory() {
        _ = mallocTrim?(0)
    }

    /// glibc's `malloc_trim` (not in the Swift Glibc module, which leaves out malloc.h): looked up once.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    private func reconcile(
        channelId: String, date: BusinessDate, options: Options,
        progress: @escaping @Sendable (Progress) -> Void
    ) async throws -> ReconciliationRun {
        let started = now()
        let clock = ContinuousClock()
        var phases: [String: Int64] = [:]
        func lap(_ name: String, since: ContinuousClock.Instant) {
            phases[name] = (clock.now - since).milliseconds
        }
        guard let entry = registry.channel(channelId) else {
            throw GatewayError.channelNotFound(channelId)
        }
        guard let support = entry.manifest?.statements else {
            throw GatewayError(.unprocessableContent, "statement_unsupported", "channel '\(channelId)' offers no statement")
        }
        let zone = entry.reconciliation.timeZoneIdentifier ?? support.timeZoneIdentifier
        guard let dayStart = date.start(in: zone), let nextDay = date.next?.start(in: zone) else {
            throw GatewayError(.unprocessableContent, "invalid_date", "no business day \(date) in the time zone \(zone)")
        }
        guard let pinned = registry.pin(channelId) else { throw GatewayError.channelUnavailable(channelId) }
        defer { pinned.release() }
        let window = Self.ms(dayStart)..<Self.ms(nextDay)
        let margin = Int64(entry.reconciliation.timingMarginSeconds) * 1000

        // 1. The statement file.
        var phaseStart = clock.now
        let location = statementFile(channelId: channelId, date: date)
        var downloaded = false
        if options.refetch || !FileManager.default.fileExists(atPath: location.path) {
            progress(Progress(phase: "download", done: 0, total: nil))
            _ = try await StatementFetcher.download(pinned.channel, date: date, to: location)
            downloaded = true
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: location.path)[.size] as? Int64) ?? 0
        progress(Progress(phase: "download", done: bytes, total: bytes))
        lap("download", since: phaseStart)

        // 2. The plugin starts parsing on its own task (the second core) while the ledger side is read and the
        //    file's SHA-256 computed (or read from its record); it runs at most `prefetchBatches` ahead of the matcher.
        phaseStart = clock.now
        let file = StatementFile(businessDate: date, location: location, byteCount: bytes, contentType: nil)
        let queue = BoundedBatchQueue<StatementBatch>(capacity: options.prefetchBatches)
        let channel = pinned.channel
        let batchSize = options.batchSize
        let parser = Task.detached {
            do {
                for try await batch in channel.parseStatement(file, batchSize: batchSize) {
                    try Task.checkCancellation()
                    await queue.send(batch)
                }
                queue.finish()
            } catch {
                queue.finish(throwing: error)
            }
        }
        defer {
            parser.cancel()
            queue.finish()
        }
        progress(Progress(phase: "ledger", done: 0, total: nil))
        async let digest = StatementDigest.sha256(of: location)
        async let carried = store.unresolvedBreaks(channelId: channelId, lastSeenBefore: date.description)
        // A size hint only: without one (a first run, an unreadable stored run) the store counts.
        let lastRows = (try? await store.reconciliationRuns(channelId: channelId, limit: 1))?.first?.ledgerRows
        var table = try await store.reconciliationLedger(channelId: channelId, window: window, expectedRows: lastRows)
        // Earlier days' breaks about a transaction are checked again by this run; line breaks (a duplicate or
        // an unparseable line) belong to their own day's file and are not.
        let carriedBreaks = try await carried.filter(\.isCheckedByLaterRuns)
        let carriedLedgerIds = carriedBreaks.filter { $0.item.statement == nil }.compactMap(\.transactionId)
        if !carriedLedgerIds.isEmpty {
            table.buildIndex()
            let rows = try await store.reconciliationLookup(channelId: channelId, ids: carriedLedgerIds.sorted())
            for id in carriedLedgerIds.sorted() {
                guard let row = rows[id], !table.contains(id: id) else { continue }
                table.append(
                    id: row.transactionId, bankId: row.bankTransactionId, kind: row.kind, amount: row.amount,
                    currency: row.currency, status: row.status, dayAt: row.dayAt, origin: .carried)
            }
        }
        let ledgerRows = Int64(table.count)
        progress(Progress(phase: "ledger", done: ledgerRows, total: ledgerRows))
        lap("ledger", since: phaseStart)

        // 3. The parsed batches through the matcher.
        phaseStart = clock.now
        var matcher = ReconciliationMatcher(ledger: consume table, statementDate: date, window: window, timingMargin: margin)
        var lines: Int64 = 0
        var waited = Duration.zero
        do {
            while true {
                let before = clock.now
                guard let batch = try await queue.next() else { break }
                waited += clock.now - before
                matcher.add(batch)
                lines += Int64(batch.records.count + batch.issues.count)
                progress(Progress(phase: "parse", done: lines, total: nil))
            }
        } catch {
            throw GatewayError(.badGateway, "statement_unreadable", "the plugin could not read the statement: \(error)")
        }
        for record in carriedBreaks.compactMap({ $0.item.statement }) {
            matcher.addCarried(record)
        }
        let lookups = try await store.reconciliationLookup(channelId: channelId, ids: matcher.idsToLookUp)
        var result = matcher.finish(lookups: lookups)
        lap("parse_match", since: phaseStart)
        // How long the matcher waited for the plugin's parser: the parser's share of the phase.
        phases["parse_match_waiting_for_parser"] = waited.milliseconds

        // 4. Compensations: open in the ledger, settled on the statement.
        phaseStart = clock.now
        for index in result.items.indices where result.items[index].breakClass == .compensated {
            let item = result.items[index]
            guard let line = item.statement, let ledger = item.ledger else { continue }
            let settlement = try await payments.settleFromStatement(
                ledger.kind, id: ledger.transactionId, channelId: channelId, line: line, date: date)
            switch settlement {
            case .moved:
                logger.notice(
                    "reconciliation settled an open transaction from the statement",
                    metadata: ["channel": "\(channelId)", "transaction": "\(ledger.transactionId)", "line": "\(line.lineNumber)"])
            case .alreadyFinal(let status):
                let now = LedgerStatus(stored: status.rawValue, notProcessed: false) ?? .pending
                result.reclassify(index, to: ReconciliationMatcher.classify(line, now, ledger.amount, ledger.currency))
                result.items[index].ledger?.status = now
            case .notFound:
                result.reclassify(index, to: .missingInLedger)
                result.items[index].ledger = nil
            }
        }
        result.normalize()
        lap("compensate", since: phaseStart)

        // 5. The discrepancy files (identical bytes for identical inputs) and the stored run.
        phaseStart = clock.now
        progress(Progress(phase: "write", done: 0, total: Int64(result.items.count)))
        let directory = discrepancyDirectory(channelId: channelId, date: date)
        let csv = directory.appendingPathComponent("discrepancies.csv")
        let jsonl = directory.appendingPathComponent("discrepancies.jsonl")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            try ConfigFileWriter.replace(csv, bytes: Array(DiscrepancyFiles.csv(result.items, date: date)))
            try ConfigFileWriter.replace(jsonl, bytes: Array(DiscrepancyFiles.jsonLines(result.items, date: date)))
        } catch {
            throw GatewayError(.internalServerError, "write_failed", "the discrepancy files could not be written: \(error.message)")
        }
        let timestamp = now()
        let found = result.items.filter { $0.breakClass.isBreak }.map { item in
            let key = item.breakKey(statementDate: date)
            let counted = item.countedAmount
            return BreakRecord(
                id: BreakRecord.id(channel: channelId, key: key), channel: channelId, key: key,
                breakClass: item.breakClass, transactionId: item.transactionId, state: .open,
                firstSeen: date.description, lastSeen: date.description, amount: counted?.0, currency: counted?.1,
                item: item, resolvedAt: nil, resolvedBy: nil, resolution: nil, updatedAt: timestamp)
        }
        let carriedIn = Set(carriedBreaks.map(\.id))
        let sha = try await digest
        var findings = result.findings.map { AdminReconFinding(code: $0.code, lineNumber: $0.lineNumber, message: $0.message) }
        if let (recorded, size) = try await store.recordStatementDigest(
            channelId: channelId, date: date.description, sha256: sha, bytes: bytes), recorded != sha
        {
            findings.insert(
                AdminReconFinding(
                    code: "statement_changed", lineNumber: 0,
                    message: "the statement differs from the one first downloaded for this day (SHA-256 \(recorded.prefix(16))…, \(size) bytes; now \(sha.prefix(16))…, \(bytes) bytes)"),
                at: 0)
            logger.warning("the bank's statement changed since it was first downloaded", metadata: ["channel": "\(channelId)", "date": "\(date)"])
        }
        var totals: [String: AdminClassTotal] = [:]
        for (breakClass, total) in result.totals {
            totals[breakClass.rawValue] = AdminClassTotal(count: total.count, amounts: total.amounts.filter { $0.value != 0 || total.count > 0 })
        }
        let finished = now()
        var run = ReconciliationRun(
            channel: channelId, businessDate: date.description,
            statement: AdminStatementFile(file: Self.relative(location, to: dataDirectory), bytes: bytes, sha256: sha, downloaded: downloaded),
            statementLines: result.statementLines, ledgerRows: result.ledgerRows, totals: totals,
            findings: findings,
            carriedIn: carriedIn.count, resolvedBreaks: 0, openBreaks: 0,
            csvFile: Self.relative(csv, to: dataDirectory), jsonlFile: Self.relative(jsonl, to: dataDirectory),
            phases: phases, node: node, startedAt: JSONBody.timestamp(started), finishedAt: JSONBody.timestamp(finished),
            durationMs: Self.ms(finished) - Self.ms(started), timeZone: zone,
            timingMarginSeconds: entry.reconciliation.timingMarginSeconds)
        let (resolved, open) = try await store.saveReconciliation(
            run, found: found, carriedIn: carriedIn, lease: options.lease, now: finished)
        lap("store", since: phaseStart)
        run.phases = phases
        run.resolvedBreaks = resolved
        run.openBreaks = open
        logger.info(
            "reconciliation run finished",
            metadata: [
                "channel": "\(channelId)", "date": "\(date)", "lines": "\(result.statementLines)",
                "ledger_rows": "\(result.ledgerRows)", "reported": "\(result.items.count)", "ms": "\(run.durationMs)",
            ])
        return run
    }

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func relative(_ url: URL, to base: URL) -> String {
        let path = url.standardizedFileURL.path, root = base.standardizedFileURL.path
        return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }
}
