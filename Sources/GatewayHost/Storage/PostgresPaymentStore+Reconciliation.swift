import ChannelKit
import Foundation
import PostgresNIO
import Reconciliation

extension PostgresPaymentStore {
    /// Streams the window's rows (two halves on two connections at once) into the compact table; rows are
    /// decoded as they arrive, never collected.
    func reconciliationLedger(channelId: String, window: Range<Int64>, expectedRows: Int?) async throws -> LedgerTable {
        let middle = window.lowerBound + (window.upperBound - window.lowerBound) / 2
        // Reserved from the channel's last run (untouched reserve costs no memory): the first half's table
        // has room for the second, appended to it.
        let expected = (expectedRows ?? 0) + (expectedRows ?? 0) / 4
        async let first = readLedger(channelId: channelId, window: window.lowerBound..<middle, capacity: expected)
        async let second = readLedger(channelId: channelId, window: middle..<window.upperBound, capacity: expected / 2)
        var table = try await first
        table.append(contentsOf: try await second)
        return table
    }

    private func readLedger(channelId: String, window: Range<Int64>, capacity: Int) async throws -> LedgerTable {
        try await withConnection { [logger] connection in
            var table = LedgerTable(capacity: capacity)
            let at = PostgresMigrations.businessAt()
            let payments = try await connection.query(
                """
                SELECT COALESCE(attempt_id, id), bank_transaction_id, amount, currency, status, not_processed, \(unescaped: at)
                FROM payments
                WHERE channel_id = \(channelId) AND \(unescaped: at) >= \(window.lowerBound) AND \(unescaped: at) < \(window.upperBound)
                """, logger: logger)
            for try await row in payments { try Self.append(row, kind: .payment, to: &table) }
            let refunds = try await connection.query(
                """
                SELECT id, bank_transaction_id, amount, currency, status, not_processed, \(unescaped: at)
                FROM refunds
                WHERE channel_id = \(channelId) AND \(unescaped: at) >= \(window.lowerBound) AND \(unescaped: at) < \(window.upperBound)
                """, logger: logger)
            for try await row in refunds { try Self.append(row, kind: .refund, to: &table) }
            // The attempts a failover superseded: each its own bank-visible transaction of this channel.
            let attempts = try await connection.query(
                """
                SELECT id, bank_transaction_id, amount, currency, status, not_processed, \(unescaped: at)
                FROM payment_attempts
                WHERE channel_id = \(channelId) AND \(unescaped: at) >= \(window.lowerBound) AND \(unescaped: at) < \(window.upperBound)
                """, logger: logger)
            for try await row in attempts { try Self.append(row, kind: .payment, to: &table) }
            return table
        }
    }

    private static func append(_ row: PostgresRow, kind: TransactionKind, to table: inout LedgerTable) throws {
        if try appendFromBytes(row, kind: kind, to: &table) { return }
        let (id, bank, amount, currency, status, notProcessed, at) = try row.decode(
            (String, String?, Int64, String, String, Bool, Int64).self)
        guard let stored = LedgerStatus(stored: status, notProcessed: notProcessed) else {
            throw StoreError("unknown status '\(status)' in the ledger")
        }
        table.append(id: id, bankId: bank, kind: kind, amount: amount, currency: currency, status: stored, dayAt: at)
    }

    /// The row read from its cells' bytes (binary format: text as UTF-8, `bigint` as 8 bytes big-endian,
    /// `boolean` as one byte), straight into the table: no String per id. `false` when a cell is not in the
    /// expected form (the caller then decodes the row the usual way).
    private static func appendFromBytes(_ row: PostgresRow, kind: TransactionKind, to table: inout LedgerTable) throws -> Bool {
        var cells = row.makeIterator()
        guard let id = cells.next(), let bank = cells.next(), let amount = cells.next(), let currency = cells.next(),
            let status = cells.next(), let notProcessed = cells.next(), let at = cells.next(),
            let amountValue = integer(amount), let atValue = integer(at),
            let notProcessedValue = boolean(notProcessed), let idBytes = text(id), let currencyBytes = text(currency),
            let statusBytes = text(status)
        else { return false }
        let bankBytes = bank.bytes == nil ? nil : text(bank)
        if bank.bytes != nil, bankBytes == nil { return false }
        guard let stored = statusBytes.withUnsafeReadableBytes({ LedgerStatus(storedBytes: $0, notProcessed: notProcessedValue) })
        else { throw StoreError("unknown status '\(String(buffer: statusBytes).prefix(32))' in the ledger") }
        let code = currencyBytes.withUnsafeReadableBytes { CurrencyCode(bytes: $0) }
        idBytes.withUnsafeReadableBytes { idRaw in
            if let bankBytes {
                bankBytes.withUnsafeReadableBytes { bankRaw in
                    table.append(
                        id: idRaw, bankId: bankRaw, kind: kind, amount: amountValue, currency: code, status: stored,
                        dayAt: atValue)
                }
            } else {
                table.append(id: idRaw, bankId: nil, kind: kind, amount: amountValue, currency: code, status: stored, dayAt: atValue)
            }
        }
        return true
    }

    private static func integer(_ cell: PostgresCell) -> Int64? {
        guard cell.format == .binary, cell.dataType == .int8, let bytes = cell.bytes, bytes.readableBytes == 8 else { return nil }
        return bytes.getInteger(at: bytes.readerIndex, as: Int64.self)
    }

    private static func boolean(_ cell: PostgresCell) -> Bool? {
        guard cell.format == .binary, cell.dataType == .bool, let bytes = cell.bytes, bytes.readableBytes == 1 else { return nil }
        return bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) != 0
    }

    private static func text(_ cell: PostgresCell) -> ByteBuffer? {
        guard cell.dataType == .text || cell.dataType == .varchar, let bytes = cell.bytes else { return nil }
        return bytes
    }

    func reconciliationLookup(channelId: String, ids: [String]) async throws -> [String: LedgerFields] {
        guard !ids.isEmpty else { return [:] }
        return try await withConnection { [logger] connection in
            var found: [String: LedgerFields] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 1000).map({ Array(ids[$0..<min($0 + 1000, ids.count)]) }) {
                let rows = try await connection.query(
                    """
                    SELECT 'payment', id, bank_transaction_id, amount, currency, status, not_processed,
                        \(unescaped: PostgresMigrations.businessAt()), NULL::TEXT
                    FROM payments WHERE channel_id = \(channelId) AND id = ANY(\(chunk)) AND attempt_id IS NULL
                    UNION ALL
                    SELECT 'payment', attempt_id, bank_transaction_id, amount, currency, status, not_processed,
                        \(unescaped: PostgresMigrations.businessAt()), NULL::TEXT
                    FROM payments WHERE channel_id = \(channelId) AND attempt_id = ANY(\(chunk))
                    UNION ALL
                    SELECT 'payment', id, bank_transaction_id, amount, currency, status, not_processed,
                        \(unescaped: PostgresMigrations.businessAt()), NULL::TEXT
                    FROM payment_attempts WHERE channel_id = \(channelId) AND id = ANY(\(chunk))
                    UNION ALL
                    SELECT 'refund', r.id, r.bank_transaction_id, r.amount, r.currency, r.status, r.not_processed,
                        \(unescaped: PostgresMigrations.businessAt("r")), r.payment_id
                    FROM refunds r WHERE r.channel_id = \(channelId) AND r.id = ANY(\(chunk))
                    """, logger: logger)
                for try await row in rows {
                    let (kind, id, bank, amount, currency, status, notProcessed, at, paymentId) = try row.decode(
                        (String, String, String?, Int64, String, String, Bool, Int64, String?).self)
                    guard let stored = LedgerStatus(stored: status, notProcessed: notProcessed) else { continue }
                    found[id] = LedgerFields(
                        transactionId: id, bankTransactionId: bank, kind: kind == "refund" ? .refund : .payment,
                        amount: amount, currency: currency, status: stored, dayAt: at, paymentId: paymentId)
                }
            }
            return found
        }
    }

    // MARK: - Runs and breaks


    static let breakColumns = """
        id, channel_id, break_key, class, transaction_id, state, first_seen, last_seen, amount, currency, item,
        resolved_at, resolved_by, resolution, updated_at
        """

    func unresolvedBreaks(channelId: String, lastSeenBefore date: String) async throws -> [BreakRecord] {
        try await withConnection { connection in
            try await self.rows(
                """
                SELECT \(unescaped: Self.breakColumns) FROM recon_breaks
                WHERE channel_id = \(channelId) AND state != 'resolved' AND last_seen < \(date) ORDER BY id
                """, on: connection
            ).map(Self.breakRecord)
        }
    }

    func saveReconciliation(
        _ run: ReconciliationRun, found: [BreakRecord], carriedIn: Set<String>, lease: String?, now: Date
    ) async throws -> (resolved: Int, open: Int) {
        try await transaction { connection in
            // One run of a channel's day at a time, across nodes: the rest of this transaction is serialized.
            try await self.execute(
                "SELECT pg_advisory_xact_lock(hashtext(\("recon:" + run.channel)))", on: connection)
            if let lease {
                let owner = try await self.rows(
                    """
                    SELECT state, lease_owner FROM recon_jobs
                    WHERE channel_id = \(run.channel) AND business_date = \(run.businessDate) FOR UPDATE
                    """, on: connection
                ).first?.decode((String, String?).self)
                guard let owner, owner.0 == "running", owner.1 == lease else {
                    throw ReconciliationLeaseLost(channel: run.channel, date: run.businessDate)
                }
            }
            try await self.execute(
                """
                UPDATE recon_jobs SET state = 'completed', lease_owner = NULL, lease_until = NULL, last_error = NULL,
                    updated_at = \(Self.ms(now))
                WHERE channel_id = \(run.channel) AND business_date = \(run.businessDate)
                    AND (state != 'running' OR lease_owner = \(lease))
                """, on: connection)
            var stored: [String: BreakRecord] = [:]
            for record in try await self.rows(
                """
                SELECT \(unescaped: Self.breakColumns) FROM recon_breaks
                WHERE channel_id = \(run.channel) AND (state != 'resolved' OR last_seen = \(run.businessDate))
                """, on: connection
            ).map(Self.breakRecord) {
                stored[record.id] = record
            }
            let missing = found.map(\.id).filter { stored[$0] == nil }
            for chunk in stride(from: 0, to: missing.count, by: 1000).map({ Array(missing[$0..<min($0 + 1000, missing.count)]) }) {
                for record in try await self.rows(
                    "SELECT \(unescaped: Self.breakColumns) FROM recon_breaks WHERE id = ANY(\(chunk))", on: connection
                ).map(Self.breakRecord) {
                    stored[record.id] = record
                }
            }
            let change = BreakBook.merge(stored: stored, found: found, carriedIn: carriedIn, date: run.businessDate, now: now)
            for record in change.upserts {
                let item = try BreakRecord.encode(record.item)
                try await self.execute(
                    """
                    INSERT INTO recon_breaks (\(unescaped: Self.breakColumns))
                    VALUES (\(record.id), \(record.channel), \(record.key), \(record.breakClass.rawValue),
                        \(record.transactionId), \(record.state.rawValue), \(record.firstSeen), \(record.lastSeen),
                        \(record.amount), \(record.currency), \(item), \(record.resolvedAt.map(Self.ms)),
                        \(record.resolvedBy), \(record.resolution), \(Self.ms(record.updatedAt)))
                    ON CONFLICT (id) DO UPDATE SET class = excluded.class, transaction_id = excluded.transaction_id,
                        state = excluded.state, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                        amount = excluded.amount, currency = excluded.currency, item = excluded.item,
                        resolved_at = excluded.resolved_at, resolved_by = excluded.resolved_by,
                        resolution = excluded.resolution, updated_at = excluded.updated_at
                    """, on: connection)
            }
            let open = try await self.rows(
                """
                SELECT COUNT(*)::BIGINT FROM recon_breaks
                WHERE channel_id = \(run.channel) AND state IN ('open','persisting')
                """, on: connection
            ).first?.decode(Int.self) ?? 0
            var final = run
            final.resolvedBreaks = change.resolved
            final.openBreaks = open
            let encoded = try ReconciliationRun.encode(final)
            try await self.execute(
                """
                INSERT INTO recon_runs (channel_id, business_date, run, node, started_at, finished_at)
                VALUES (\(run.channel), \(run.businessDate), \(encoded), \(run.node), \(Self.ms(run.startedAtInstant)),
                    \(Self.ms(run.finishedAtInstant)))
                ON CONFLICT (channel_id, business_date) DO UPDATE SET run = excluded.run, node = excluded.node,
                    started_at = excluded.started_at, finished_at = excluded.finished_at
                """, on: connection)
            return (change.resolved, open)
        }
    }

    // MARK: - Jobs

    func ensureReconciliationJob(channelId: String, date: String, dueAt: Date, now: Date) async throws {
        try await withConnection(writing: "ensureReconciliationJob") { connection in
            try await self.execute(
                """
                INSERT INTO recon_jobs (channel_id, business_date, state, next_attempt_at, updated_at)
                VALUES (\(channelId), \(date), 'due', \(Self.ms(dueAt)), \(Self.ms(now)))
                ON CONFLICT (channel_id, business_date) DO NOTHING
                """, on: connection)
        }
    }

    /// `FOR UPDATE SKIP LOCKED`: concurrent claims from several nodes each get a different job, none waits.
    func claimReconciliationJob(node: String, leaseUntil: Date, now: Date) async throws -> ReconciliationJob? {
        try await withConnection(writing: "claimReconciliationJob") { connection in
            try await self.rows(
                """
                UPDATE recon_jobs SET state = 'running', lease_owner = \(node), lease_until = \(Self.ms(leaseUntil)),
                    attempts = attempts + 1, updated_at = \(Self.ms(now))
                WHERE (channel_id, business_date) IN (
                    SELECT channel_id, business_date FROM recon_jobs
                    WHERE (state = 'due' AND next_attempt_at <= \(Self.ms(now)))
                        OR (state = 'running' AND lease_until < \(Self.ms(now)))
                    ORDER BY next_attempt_at, channel_id, business_date
                    FOR UPDATE SKIP LOCKED LIMIT 1)
                RETURNING \(unescaped: Self.jobColumns)
                """, on: connection
            ).first.map(Self.job)
        }
    }

    func renewReconciliationLease(channelId: String, date: String, node: String, until: Date, now: Date) async throws -> Bool {
        try await withConnection(writing: "renewReconciliationLease") { connection in
            try await !self.rows(
                """
                UPDATE recon_jobs SET lease_until = \(Self.ms(until)), updated_at = \(Self.ms(now))
                WHERE channel_id = \(channelId) AND business_date = \(date) AND state = 'running'
                    AND lease_owner = \(node)
                RETURNING channel_id
                """, on: connection
            ).isEmpty
        }
    }

    func releaseReconciliationJob(
        channelId: String, date: String, node: String, error: String, next: Date?, now: Date
    ) async throws {
        try await withConnection(writing: "releaseReconciliationJob") { connection in
            try await self.execute(
                """
                UPDATE recon_jobs SET state = \(next == nil ? "failed" : "due"),
                    next_attempt_at = COALESCE(\(next.map(Self.ms)), next_attempt_at), lease_owner = NULL,
                    lease_until = NULL, last_error = \(error), updated_at = \(Self.ms(now))
                WHERE channel_id = \(channelId) AND business_date = \(date) AND state = 'running'
                    AND lease_owner = \(node)
                """, on: connection)
        }
    }

    func recordStatementDigest(channelId: String, date: String, sha256: String, bytes: Int64) async throws -> (String, Int64)? {
        try await transaction { connection in
            let row = try await self.rows(
                """
                SELECT statement_sha256, statement_bytes FROM recon_jobs
                WHERE channel_id = \(channelId) AND business_date = \(date) FOR UPDATE
                """, on: connection
            ).first
            guard let row else { return nil }
            let (recorded, size) = try row.decode((String?, Int64?).self)
            if let recorded { return (recorded, size ?? 0) }
            try await self.execute(
                """
                UPDATE recon_jobs SET statement_sha256 = \(sha256), statement_bytes = \(bytes)
                WHERE channel_id = \(channelId) AND business_date = \(date)
                """, on: connection)
            return nil
        }
    }

    func reconciliationJobs(channelId: String?) async throws -> [ReconciliationJob] {
        try await withConnection { connection in
            try await self.rows(
                """
                SELECT \(unescaped: Self.jobColumns) FROM recon_jobs
                WHERE (\(channelId)::TEXT IS NULL OR channel_id = \(channelId))
                ORDER BY business_date DESC, channel_id LIMIT 1000
                """, on: connection
            ).map(Self.job)
        }
    }

    static let jobColumns = "channel_id, business_date, state, attempts, next_attempt_at, lease_owner, lease_until, last_error"

    static func job(_ row: PostgresRow) throws -> ReconciliationJob {
        let (channel, date, state, attempts, next, owner, until, error) = try row.decode(
            (String, String, String, Int, Int64, String?, Int64?, String?).self)
        return ReconciliationJob(
            channel: channel, businessDate: date, state: ReconciliationJob.State(rawValue: state) ?? .due,
            attempts: attempts, nextAttemptAt: Self.date(next), leaseOwner: owner, leaseUntil: until.map(Self.date),
            lastError: error)
    }

    func reconciliationRun(channelId: String, date: String) async throws -> ReconciliationRun? {
        try await withConnection { connection in
            try await self.rows(
                "SELECT run FROM recon_runs WHERE channel_id = \(channelId) AND business_date = \(date)", on: connection
            ).first.map { try ReconciliationRun.decode(try $0.decode(String.self)) }
        }
    }

    func reconciliationRuns(channelId: String?, limit: Int) async throws -> [ReconciliationRun] {
        try await withConnection { connection in
            try await self.rows(
                """
                SELECT run FROM recon_runs WHERE (\(channelId)::TEXT IS NULL OR channel_id = \(channelId))
                ORDER BY business_date DESC, channel_id LIMIT \(limit)
                """, on: connection
            ).map { try ReconciliationRun.decode(try $0.decode(String.self)) }
        }
    }

    func breaks(channelId: String?, openOnly: Bool, limit: Int, after: BreakCursor?) async throws -> [BreakRecord] {
        try await withConnection { connection in
            // COALESCE: the same order as SQLite's for line breaks (no transaction); PostgreSQL sorts NULLs last.
            try await self.rows(
                """
                SELECT \(unescaped: Self.breakColumns) FROM recon_breaks
                WHERE (\(channelId)::TEXT IS NULL OR channel_id = \(channelId))
                    AND (NOT \(openOnly) OR state IN ('open','persisting'))
                    AND (\(after?.id)::TEXT IS NULL
                         OR (first_seen, channel_id, class, COALESCE(transaction_id, ''), id)
                            > (\(after?.firstSeen)::TEXT, \(after?.channel)::TEXT, \(after?.breakClass)::TEXT,
                               \(after?.transactionId)::TEXT, \(after?.id)::TEXT))
                ORDER BY first_seen, channel_id, class, COALESCE(transaction_id, ''), id LIMIT \(limit)
                """, on: connection
            ).map(Self.breakRecord)
        }
    }

    func breakRecord(id: String) async throws -> BreakRecord? {
        try await withConnection { connection in
            try await self.rows(
                "SELECT \(unescaped: Self.breakColumns) FROM recon_breaks WHERE id = \(id)", on: connection
            ).first.map(Self.breakRecord)
        }
    }

    func resolveBreak(id: String, by: String, note: String, at: Date) async throws -> BreakRecord? {
        try await withConnection(writing: "resolveBreak") { connection in
            try await self.rows(
                """
                UPDATE recon_breaks SET state = 'resolved', resolved_at = \(Self.ms(at)), resolved_by = \(by),
                    resolution = \(note), updated_at = \(Self.ms(at))
                WHERE id = \(id) RETURNING \(unescaped: Self.breakColumns)
                """, on: connection
            ).first.map(Self.breakRecord)
        }
    }

    static func breakRecord(_ row: PostgresRow) throws -> BreakRecord {
        let (id, channel, key, className, transactionId, stateName, firstSeen, lastSeen, amount, currency, item) =
            try row.decode((String, String, String, String, String?, String, String, String, Int64?, String?, String).self)
        let cells = row.makeRandomAccess()
        let resolvedAt = try cells[11].decode(Int64?.self)
        let resolvedBy = try cells[12].decode(String?.self)
        let resolution = try cells[13].decode(String?.self)
        let updatedAt = try cells[14].decode(Int64.self)
        guard let breakClass = BreakClass(rawValue: className), let state = BreakRecord.State(rawValue: stateName) else {
            throw StoreError("recon_breaks row \(id) has an unknown class or state")
        }
        return BreakRecord(
            id: id, channel: channel, key: key, breakClass: breakClass, transactionId: transactionId, state: state,
            firstSeen: firstSeen, lastSeen: lastSeen, amount: amount, currency: currency,
            item: try BreakRecord.decode(item), resolvedAt: resolvedAt.map(Self.date), resolvedBy: resolvedBy,
            resolution: resolution, updatedAt: Self.date(updatedAt))
    }
}
