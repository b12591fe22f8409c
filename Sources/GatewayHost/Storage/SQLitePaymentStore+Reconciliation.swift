import ChannelKit
import Foundation
import GRDB
import GRDBSQLite
import Reconciliation
import Synchronization

extension SQLitePaymentStore {
    /// Read straight off the covering indexes with `sqlite3_step` and the column bytes — no Row, String or Date
    /// per row. The window is read in two halves on two reader connections at once (WAL readers do not block
    /// each other), one per core; each reader hands over chunks of 65,536 rows that this task appends to the
    /// table, whose capacity is reserved up front (from the channel's last run, else a count), so the rows are in
    /// memory once.
    func reconciliationLedger(channelId: String, window: Range<Int64>, expectedRows: Int?) async throws -> LedgerTable {
        let at = SQLiteMigrations.businessAt()
        // The table is reserved, not filled: pages a reservation never touches cost no memory, so a generous
        // hint is free, while growing a 2,000,000-row table would briefly hold it twice. Counting walks the
        // whole index range once more (0.3 s at 2,000,000 rows), so it is done only without a hint.
        let count: Int
        if let expectedRows {
            count = expectedRows + expectedRows / 4
        } else {
            count = try await pool.read { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT (SELECT COUNT(*) FROM payments INDEXED BY payments_recon
                                WHERE channel_id = ? AND \(at) >= ? AND \(at) < ?)
                             + (SELECT COUNT(*) FROM refunds INDEXED BY refunds_recon
                                WHERE channel_id = ? AND \(at) >= ? AND \(at) < ?)
                             + (SELECT COUNT(*) FROM payment_attempts INDEXED BY payment_attempts_recon
                                WHERE channel_id = ? AND \(at) >= ? AND \(at) < ?)
                        """,
                    arguments: [
                        channelId, window.lowerBound, window.upperBound, channelId, window.lowerBound, window.upperBound,
                        channelId, window.lowerBound, window.upperBound,
                    ])
                    ?? 0
            }
        }
        let middle = window.lowerBound + (window.upperBound - window.lowerBound) / 2
        let (chunks, continuation) = AsyncStream.makeStream(of: LedgerTable.self)
        let readers = LedgerReaders(count: 2)
        for half in [window.lowerBound..<middle, middle..<window.upperBound] {
            Task { [self] in
                do {
                    try await self.readLedger(channelId: channelId, window: half) { continuation.yield($0) }
                    if readers.finished(nil) { continuation.finish() }
                } catch {
                    if readers.finished(error) { continuation.finish() }
                }
            }
        }
        var table = LedgerTable(capacity: count)
        // The index is sized for the rows expected, not the padded reservation: a power of two over 2× the rows,
        // and the padding would double it (33 MB instead of 17 at 2,000,000 rows, past the 32 MB L3); a bigger day
        // grows it.
        table.buildIndex(expecting: expectedRows ?? count)
        for await chunk in chunks { table.append(contentsOf: chunk) }
        if let error = readers.error { throw error }
        return table
    }

    private func readLedger(
        channelId: String, window: Range<Int64>, chunk deliver: @escaping @Sendable (LedgerTable) -> Void
    ) async throws {
        try await pool.read { db in
            var table = LedgerTable(capacity: Self.chunkRows)
            let at = SQLiteMigrations.businessAt()
            // A payment's row is its current attempt: the bank knows it by `attempt_id` after a failover.
            let payments = try db.makeStatement(sql: """
                SELECT COALESCE(attempt_id, id), bank_transaction_id, amount, currency, status, not_processed, \(at)
                FROM payments INDEXED BY payments_recon
                WHERE channel_id = ? AND \(at) >= ? AND \(at) < ?
                """)
            try payments.setArguments([channelId, window.lowerBound, window.upperBound])
            try Self.scan(payments, kind: .payment, into: &table, deliver)
            let refunds = try db.makeStatement(sql: """
                SELECT id, bank_transaction_id, amount, currency, status, not_processed, \(at)
                FROM refunds INDEXED BY refunds_recon
                WHERE channel_id = ? AND \(at) >= ? AND \(at) < ?
                """)
            try refunds.setArguments([channelId, window.lowerBound, window.upperBound])
            try Self.scan(refunds, kind: .refund, into: &table, deliver)
            // The attempts a failover superseded: each its own bank-visible transaction of this channel.
            let attempts = try db.makeStatement(sql: """
                SELECT id, bank_transaction_id, amount, currency, status, not_processed, \(at)
                FROM payment_attempts INDEXED BY payment_attempts_recon
                WHERE channel_id = ? AND \(at) >= ? AND \(at) < ?
                """)
            try attempts.setArguments([channelId, window.lowerBound, window.upperBound])
            try Self.scan(attempts, kind: .payment, into: &table, deliver)
            if table.count > 0 { deliver(table) }
        }
    }

    static let chunkRows = 65_536

    private static func scan(
        _ statement: Statement, kind: TransactionKind, into table: inout LedgerTable,
        _ deliver: (LedgerTable) -> Void
    ) throws {
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw StoreError("reading the ledger for reconciliation failed (SQLite code \(code))")
            }
            let status = column(handle, 4)
            let stored = LedgerStatus(storedBytes: status, notProcessed: sqlite3_column_int(handle, 5) != 0) ?? .processing
            let bank = sqlite3_column_type(handle, 1) == SQLITE_NULL ? nil : column(handle, 1)
            table.append(
                id: column(handle, 0), bankId: bank, kind: kind, amount: sqlite3_column_int64(handle, 2),
                currency: CurrencyCode(bytes: column(handle, 3)), status: stored,
                dayAt: sqlite3_column_int64(handle, 6))
            if table.count == chunkRows {
                deliver(table)
                table = LedgerTable(capacity: chunkRows)
            }
        }
    }

    private static func column(_ handle: OpaquePointer, _ index: Int32) -> UnsafeRawBufferPointer {
        guard let text = sqlite3_column_text(handle, index) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, index)))
    }

    func reconciliationLookup(channelId: String, ids: [String]) async throws -> [String: LedgerFields] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            var found: [String: LedgerFields] = [:]
            let at = SQLiteMigrations.businessAt()
            let refundAt = SQLiteMigrations.businessAt("r")
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT 'payment' AS kind, id, bank_transaction_id, amount, currency, status, not_processed,
                            \(at) AS business_at, NULL AS payment_id
                        FROM payments WHERE +channel_id = ? AND id IN (\(marks)) AND attempt_id IS NULL
                        UNION ALL
                        SELECT 'payment', attempt_id, bank_transaction_id, amount, currency, status, not_processed,
                            \(at), NULL
                        FROM payments WHERE +channel_id = ? AND attempt_id IN (\(marks)) AND attempt_id IS NOT NULL
                        UNION ALL
                        SELECT 'payment', id, bank_transaction_id, amount, currency, status, not_processed, \(at), NULL
                        FROM payment_attempts WHERE +channel_id = ? AND id IN (\(marks))
                        UNION ALL
                        SELECT 'refund', r.id, r.bank_transaction_id, r.amount, r.currency, r.status, r.not_processed,
                            \(refundAt), r.payment_id
                        FROM refunds r WHERE +r.channel_id = ? AND r.id IN (\(marks))
                        """,
                    arguments: StatementArguments(
                        [channelId] + chunk + [channelId] + chunk + [channelId] + chunk + [channelId] + chunk))
                for row in rows {
                    guard let status = LedgerStatus(stored: row["status"], notProcessed: row["not_processed"]) else { continue }
                    let fields = LedgerFields(
                        transactionId: row["id"], bankTransactionId: row["bank_transaction_id"],
                        kind: (row["kind"] as String) == "refund" ? .refund : .payment, amount: row["amount"],
                        currency: row["currency"], status: status, dayAt: row["business_at"], paymentId: row["payment_id"])
                    found[fields.transactionId] = fields
                }
            }
            return found
        }
    }

    // MARK: - Runs and breaks


    func unresolvedBreaks(channelId: String, lastSeenBefore date: String) async throws -> [BreakRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM recon_breaks WHERE channel_id = ? AND state != 'resolved' AND last_seen < ?
                    ORDER BY id
                    """, arguments: [channelId, date]
            ).map(Self.breakRecord)
        }
    }

    func saveReconciliation(
        _ run: ReconciliationRun, found: [BreakRecord], carriedIn: Set<String>, lease: String?, now: Date
    ) async throws -> (resolved: Int, open: Int) {
        try await writer.write { db in
            try Self.completeJob(db, channelId: run.channel, date: run.businessDate, lease: lease, now: now)
            var stored: [String: BreakRecord] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM recon_breaks WHERE channel_id = ? AND (state != 'resolved' OR last_seen = ?)",
                arguments: [run.channel, run.businessDate])
            {
                let record = try Self.breakRecord(row)
                stored[record.id] = record
            }
            for chunk in stride(from: 0, to: found.count, by: 500).map({ Array(found[$0..<min($0 + 500, found.count)]) }) {
                let missing = chunk.map(\.id).filter { stored[$0] == nil }
                guard !missing.isEmpty else { continue }
                let marks = Array(repeating: "?", count: missing.count).joined(separator: ",")
                for row in try Row.fetchAll(
                    db, sql: "SELECT * FROM recon_breaks WHERE id IN (\(marks))", arguments: StatementArguments(missing))
                {
                    let record = try Self.breakRecord(row)
                    stored[record.id] = record
                }
            }
            let change = BreakBook.merge(stored: stored, found: found, carriedIn: carriedIn, date: run.businessDate, now: now)
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO recon_breaks (id, channel_id, break_key, class, transaction_id, state, first_seen, last_seen,
                    amount, currency, item, resolved_at, resolved_by, resolution, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET class = excluded.class, transaction_id = excluded.transaction_id,
                    state = excluded.state, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                    amount = excluded.amount, currency = excluded.currency, item = excluded.item,
                    resolved_at = excluded.resolved_at, resolved_by = excluded.resolved_by,
                    resolution = excluded.resolution, updated_at = excluded.updated_at
                """)
            for record in change.upserts {
                try upsert.execute(arguments: [
                    record.id, record.channel, record.key, record.breakClass.rawValue, record.transactionId,
                    record.state.rawValue, record.firstSeen, record.lastSeen, record.amount, record.currency,
                    try BreakRecord.encode(record.item), record.resolvedAt.map(Self.ms), record.resolvedBy,
                    record.resolution, Self.ms(record.updatedAt),
                ])
            }
            let open = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM recon_breaks WHERE channel_id = ? AND state IN ('open','persisting')",
                arguments: [run.channel]) ?? 0
            var final = run
            final.resolvedBreaks = change.resolved
            final.openBreaks = open
            try db.execute(
                sql: """
                    INSERT INTO recon_runs (channel_id, business_date, run, node, started_at, finished_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (channel_id, business_date) DO UPDATE SET run = excluded.run, node = excluded.node,
                        started_at = excluded.started_at, finished_at = excluded.finished_at
                    """,
                arguments: [
                    run.channel, run.businessDate, try ReconciliationRun.encode(final), run.node, Self.ms(run.startedAtInstant),
                    Self.ms(run.finishedAtInstant),
                ])
            return (change.resolved, open)
        }
    }

    /// Completes the day's job inside the run's transaction (see `saveReconciliation`).
    private static func completeJob(_ db: Database, channelId: String, date: String, lease: String?, now: Date) throws {
        if let lease {
            let owner = try Row.fetchOne(
                db, sql: "SELECT state, lease_owner FROM recon_jobs WHERE channel_id = ? AND business_date = ?",
                arguments: [channelId, date])
            guard let owner, owner["state"] == "running", owner["lease_owner"] == lease else {
                throw ReconciliationLeaseLost(channel: channelId, date: date)
            }
        }
        try db.execute(
            sql: """
                UPDATE recon_jobs SET state = 'completed', lease_owner = NULL, lease_until = NULL, last_error = NULL,
                    updated_at = ?
                WHERE channel_id = ? AND business_date = ? AND (state != 'running' OR lease_owner = ?)
                """, arguments: [Self.ms(now), channelId, date, lease])
    }

    // MARK: - Jobs

    func ensureReconciliationJob(channelId: String, date: String, dueAt: Date, now: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO recon_jobs (channel_id, business_date, state, next_attempt_at, updated_at)
                    VALUES (?, ?, 'due', ?, ?) ON CONFLICT (channel_id, business_date) DO NOTHING
                    """, arguments: [channelId, date, Self.ms(dueAt), Self.ms(now)])
        }
    }

    func claimReconciliationJob(node: String, leaseUntil: Date, now: Date) async throws -> ReconciliationJob? {
        // One process per SQLite ledger: the writer connection serializes claims.
        try await writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT channel_id, business_date FROM recon_jobs
                        WHERE (state = 'due' AND next_attempt_at <= ?) OR (state = 'running' AND lease_until < ?)
                        ORDER BY next_attempt_at, channel_id, business_date LIMIT 1
                        """, arguments: [Self.ms(now), Self.ms(now)])
            else { return nil }
            let channel: String = row["channel_id"], date: String = row["business_date"]
            try db.execute(
                sql: """
                    UPDATE recon_jobs SET state = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + 1,
                        updated_at = ?
                    WHERE channel_id = ? AND business_date = ?
                    """, arguments: [node, Self.ms(leaseUntil), Self.ms(now), channel, date])
            return try Row.fetchOne(
                db, sql: "SELECT * FROM recon_jobs WHERE channel_id = ? AND business_date = ?", arguments: [channel, date]
            ).map(Self.job)
        }
    }

    func renewReconciliationLease(channelId: String, date: String, node: String, until: Date, now: Date) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE recon_jobs SET lease_until = ?, updated_at = ?
                    WHERE channel_id = ? AND business_date = ? AND state = 'running' AND lease_owner = ?
                    """, arguments: [Self.ms(until), Self.ms(now), channelId, date, node])
            return db.changesCount == 1
        }
    }

    func releaseReconciliationJob(
        channelId: String, date: String, node: String, error: String, next: Date?, now: Date
    ) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE recon_jobs SET state = ?, next_attempt_at = COALESCE(?, next_attempt_at), lease_owner = NULL,
                        lease_until = NULL, last_error = ?, updated_at = ?
                    WHERE channel_id = ? AND business_date = ? AND state = 'running' AND lease_owner = ?
                    """,
                arguments: [next == nil ? "failed" : "due", next.map(Self.ms), error, Self.ms(now), channelId, date, node])
        }
    }

    func recordStatementDigest(channelId: String, date: String, sha256: String, bytes: Int64) async throws -> (String, Int64)? {
        try await writer.write { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT statement_sha256, statement_bytes FROM recon_jobs WHERE channel_id = ? AND business_date = ?",
                arguments: [channelId, date])
            guard let row else { return nil }
            if let recorded: String = row["statement_sha256"] { return (recorded, row["statement_bytes"] ?? 0) }
            try db.execute(
                sql: "UPDATE recon_jobs SET statement_sha256 = ?, statement_bytes = ? WHERE channel_id = ? AND business_date = ?",
                arguments: [sha256, bytes, channelId, date])
            return nil
        }
    }

    func reconciliationJobs(channelId: String?) async throws -> [ReconciliationJob] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM recon_jobs WHERE (? IS NULL OR channel_id = ?)
                    ORDER BY business_date DESC, channel_id LIMIT 1000
                    """, arguments: [channelId, channelId]
            ).map(Self.job)
        }
    }

    static func job(_ row: Row) -> ReconciliationJob {
        ReconciliationJob(
            channel: row["channel_id"], businessDate: row["business_date"],
            state: ReconciliationJob.State(rawValue: row["state"]) ?? .due, attempts: row["attempts"],
            nextAttemptAt: Self.date(row["next_attempt_at"]), leaseOwner: row["lease_owner"],
            leaseUntil: (row["lease_until"] as Int64?).map(Self.date), lastError: row["last_error"])
    }

    func reconciliationRun(channelId: String, date: String) async throws -> ReconciliationRun? {
        try await pool.read { db in
            try String.fetchOne(
                db, sql: "SELECT run FROM recon_runs WHERE channel_id = ? AND business_date = ?", arguments: [channelId, date]
            ).map(ReconciliationRun.decode)
        }
    }

    func reconciliationRuns(channelId: String?, limit: Int) async throws -> [ReconciliationRun] {
        try await pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT run FROM recon_runs WHERE (? IS NULL OR channel_id = ?)
                    ORDER BY business_date DESC, channel_id LIMIT ?
                    """, arguments: [channelId, channelId, limit]
            ).map(ReconciliationRun.decode)
        }
    }

    func breaks(channelId: String?, openOnly: Bool, limit: Int, after: BreakCursor?) async throws -> [BreakRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM recon_breaks WHERE (? IS NULL OR channel_id = ?)
                        AND (? = 0 OR state IN ('open','persisting'))
                        AND (? IS NULL OR (first_seen, channel_id, class, COALESCE(transaction_id, ''), id)
                                          > (?, ?, ?, ?, ?))
                    ORDER BY first_seen, channel_id, class, COALESCE(transaction_id, ''), id LIMIT ?
                    """,
                arguments: [
                    channelId, channelId, openOnly ? 1 : 0, after?.id, after?.firstSeen, after?.channel,
                    after?.breakClass, after?.transactionId, after?.id, limit,
                ]
            ).map(Self.breakRecord)
        }
    }

    func breakRecord(id: String) async throws -> BreakRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM recon_breaks WHERE id = ?", arguments: [id]).map(Self.breakRecord)
        }
    }

    func resolveBreak(id: String, by: String, note: String, at: Date) async throws -> BreakRecord? {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE recon_breaks SET state = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ?,
                        updated_at = ?
                    WHERE id = ?
                    """, arguments: [Self.ms(at), by, note, Self.ms(at), id])
            return try Row.fetchOne(db, sql: "SELECT * FROM recon_breaks WHERE id = ?", arguments: [id]).map(Self.breakRecord)
        }
    }

    static func breakRecord(_ row: Row) throws -> BreakRecord {
        guard let breakClass = BreakClass(rawValue: row["class"]), let state = BreakRecord.State(rawValue: row["state"]) else {
            throw StoreError("recon_breaks row \(row["id"] as String? ?? "?") has an unknown class or state")
        }
        return BreakRecord(
            id: row["id"], channel: row["channel_id"], key: row["break_key"],
            breakClass: breakClass, transactionId: row["transaction_id"],
            state: state, firstSeen: row["first_seen"],
            lastSeen: row["last_seen"], amount: row["amount"], currency: row["currency"],
            item: try BreakRecord.decode(row["item"]), resolvedAt: (row["resolved_at"] as Int64?).map(Self.date),
            resolvedBy: row["resolved_by"], resolution: row["resolution"], updatedAt: Self.date(row["updated_at"]))
    }
}

/// The readers of one ledger read: how many are still running, and the first error.
private final class LedgerReaders: Sendable {
    private let state: Mutex<Int>
    private let errors = Mutex<[StoreError]>([])

    init(count: Int) { state = Mutex(count) }

    /// Records a reader's end; true for the last one.
    func finished(_ error: (any Error)?) -> Bool {
        if let error { errors.withLock { $0.append(StoreError("reading the ledger for reconciliation failed: \(error)")) } }
        return state.withLock { remaining in
            remaining -= 1
            return remaining == 0
        }
    }

    var error: StoreError? { errors.withLock { $0.first } }
}
