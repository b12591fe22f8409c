import ChannelKit
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The ledger in PostgreSQL, for several gateway processes sharing one database. Same schema, same semantics
/// as `SQLitePaymentStore`; every rule that must hold across processes is enforced by PostgreSQL itself:
/// `INSERT … ON CONFLICT DO NOTHING` for idempotent inserts and nonces, the refund limit under a
/// `SELECT … FOR UPDATE` of the payment, state changes as `UPDATE … WHERE status = <state read>` in one
/// statement with their transitions row and outbox event (`PostgresPaymentStore+Outcomes`), claims as
/// compare-and-set updates.
///
/// A `Service`: `run()` runs the connection pool and must be running for any other call to make progress
/// (add the store to the gateway's `ServiceGroup`, then call `migrate()`). A database that cannot be reached
/// makes calls throw (after `Configuration.connectTimeout`), never crash.
final class PostgresPaymentStore: PaymentStore, Service {
    let configuration: Configuration
    let client: PostgresClient
    let logger: Logger

    /// Parses `postgres://user[:password]@host:port/database` (see `Configuration`). Opens nothing yet.
    convenience init(url: String, logger: Logger) throws {
        try self.init(configuration: Configuration(url: url), logger: logger)
    }

    init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        client = PostgresClient(configuration: configuration.client, backgroundLogger: logger)
    }

    /// Runs the connection pool until the task is cancelled or the service group shuts down gracefully.
    func run() async throws {
        logger.info("ledger: PostgreSQL", metadata: ["database": "\(configuration)"])
        await client.run()
    }

    /// Applies the `PostgresMigrations` this database lacks, all in one transaction under a transaction-level
    /// advisory lock, so that gateways starting together neither race nor see a half-migrated schema.
    /// Idempotent. Needs `run()` to be running.
    func migrate() async throws {
        let (applied, unknown) = try await transaction { connection in
            try await self.execute("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", on: connection)
            try await self.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)",
                on: connection)
            let done = Set(try await self.appliedMigrations(on: connection))
            var applied: [String] = []
            for migration in PostgresMigrations.all where !done.contains(migration.id) {
                for statement in migration.statements {
                    try await self.execute(PostgresQuery(unsafeSQL: statement), on: connection)
                }
                try await self.execute(
                    "INSERT INTO schema_migrations (id, applied_at) VALUES (\(migration.id), \(Self.ms(Date())))",
                    on: connection)
                applied.append(migration.id)
            }
            return (applied, done.subtracting(PostgresMigrations.all.map(\.id)).sorted())
        }
        for id in applied {
            logger.info("ledger: applied migration", metadata: ["migration": "\(id)"])
        }
        if !unknown.isEmpty {
            logger.warning(
                "ledger: the database has migrations this gateway does not know (a newer gateway migrated it)",
                metadata: ["migrations": "\(unknown.joined(separator: ", "))"])
        }
    }

    /// The identifiers in `schema_migrations`, oldest first.
    func appliedMigrations() async throws -> [String] {
        try await withConnection { connection in try await self.appliedMigrations(on: connection) }
    }

    private func appliedMigrations(on connection: PostgresConnection) async throws -> [String] {
        try await rows("SELECT id FROM schema_migrations ORDER BY id", on: connection).map { try $0.decode(String.self) }
    }

    // MARK: payments

    func insertPayment(_ payment: PaymentRecord, checkAt: Date, holds: [LimitHold], nonce: MerchantNonce?) async throws
        -> PaymentInsertResult
    {
        let metadata = try Self.encodeMetadata(payment.metadata)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let result = try await insertPayment(
                    payment, metadata: metadata, checkAt: checkAt, holds: holds, nonce: nonce)
                if case .replayedNonce = result {} else { nonce?.markRecorded() }
                return result
            } catch let refused as LimitRefused {
                return .limitExceeded(refused.refusal)
            } catch let error as PSQLError where !holds.isEmpty && attempt < 5 && Self.isDeadlock(error) {
                // Rolled back whole (nothing of it is stored): the same insert again (see `reserve`).
                logger.notice("ledger: a limit reservation deadlocked; retrying", metadata: ["attempt": "\(attempt)"])
            }
        }
    }

    static func isDeadlock(_ error: PSQLError) -> Bool {
        error.serverInfo?[.sqlState] == "40P01"
    }

    /// Without holds: one statement (nonce, row, first transition), no BEGIN/COMMIT. With holds: one statement
    /// that also reserves every counter when each has a free slot with room (`insertNonceAndPayment`); else a
    /// transaction: the nonce and the payment's row first (one statement), so that a copy of the same request
    /// waits at the row's unique key before it holds any counter, then the counters one by one (`reserve`).
    private func insertPayment(
        _ payment: PaymentRecord, metadata: String?, checkAt: Date, holds: [LimitHold], nonce: MerchantNonce?
    ) async throws -> PaymentInsertResult {
        let key = PaymentKey.order(merchantId: payment.merchantId, merchantOrderId: payment.merchantOrderId)
        let answered = try await withConnection(writing: "insertPayment") { connection -> PaymentInsertResult? in
            let row = try await self.insertNonceAndPayment(
                payment, metadata: metadata, checkAt: checkAt, nonce: nonce, holds: holds, withTransition: true,
                on: connection)
            return try await self.answer(row, payment, key, on: connection)
        }
        if let answered { return answered }
        return try await transaction(operation: "insertPayment") { connection in
            let row = try await self.insertNonceAndPayment(
                payment, metadata: metadata, checkAt: checkAt, nonce: nonce, withTransition: false, on: connection)
            guard case .inserted = row else {
                guard let answered = try await self.answer(row, payment, key, on: connection) else {
                    throw StoreError("the payment insert missed without limits")
                }
                return answered
            }
            let reserved = try await self.reserve(holds, on: connection)
            try await self.recordTransition(
                id: payment.id, kind: .payment, from: .created, to: payment.status, cause: "accepted", bankCode: nil,
                bankMessage: nil, at: payment.createdAt, limitHolds: (payment.id, LimitHold.encode(reserved)),
                on: connection)
            return .inserted(payment)
        }
    }

    /// What a statement's `RowInsert` answers the merchant; nil when it missed (nothing was written).
    private func answer(_ row: RowInsert, _ payment: PaymentRecord, _ key: PaymentKey, on connection: PostgresConnection)
        async throws -> PaymentInsertResult?
    {
        switch row {
        case .inserted: return .inserted(payment)
        case .replayedNonce: return .replayedNonce
        case .conflicted: return .existing(try await existingPayment(key, on: connection))
        case .missed: return nil
        }
    }

    /// What one statement of a new payment did.
    private enum RowInsert {
        /// The payment's row is in (with its reservations and first transition where the statement writes them).
        case inserted
        /// A payment with the merchant order id exists: nothing but the nonce was written.
        case conflicted
        /// The merchant's nonce was seen before: nothing was written.
        case replayedNonce
        /// A counter had no free slot with room: nothing was written.
        case missed
    }

    /// One statement (data-modifying CTEs): a free slot with room for every hold (`FOR NO KEY UPDATE SKIP
    /// LOCKED`, starting at a random slot, so concurrent payments spread over the slots without waiting), and only
    /// when every hold found one (always, without holds), the nonce (when given; a replayed one stores nothing),
    /// the payment's row with its `limit_holds` (the form of `LimitHold.encode`) unless one with its merchant
    /// order id exists, the counters (only when the row went in) and, with `withTransition`, the first
    /// transition.
    private func insertNonceAndPayment(
        _ payment: PaymentRecord, metadata: String?, checkAt: Date, nonce: MerchantNonce?, holds: [LimitHold] = [],
        withTransition: Bool, on connection: PostgresConnection
    ) async throws -> RowInsert {
        let slots = slotsPerCounter
        let keys = holds.map(\.key)
        let days = holds.map(\.day)
        let amounts = holds.map(\.amount)
        let capAmounts = holds.map { LimitHold.stored($0.capAmount) }
        let capCounts = holds.map { LimitHold.stored($0.capCount) }
        let starts = holds.map { _ in Int64.random(in: 0..<Int64(slots)) }
        let row = try await rows(
            """
            WITH w AS (
                SELECT * FROM unnest(\(keys)::TEXT[], \(days)::TEXT[], \(amounts)::BIGINT[], \(capAmounts)::BIGINT[],
                    \(capCounts)::BIGINT[], \(starts)::BIGINT[])
                    WITH ORDINALITY AS w(key, day, amount, cap_amount, cap_count, start, ord)),
            pick AS MATERIALIZED (
                SELECT w.ord, p.slot FROM w CROSS JOIN LATERAL (
                    SELECT c.slot FROM limit_counters AS c
                    WHERE c.limit_key = w.key AND c.day = w.day
                        AND c.amount + w.amount <= c.amount_quota AND c.count + 1 <= c.count_quota
                        AND c.cap_amount = w.cap_amount AND c.cap_count = w.cap_count
                    ORDER BY (c.slot + \(Int64(slots)) - w.start) % \(Int64(slots))
                    LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED) AS p),
            ok AS (SELECT count(*) = \(Int64(holds.count)) AS complete FROM pick),
            n AS (
                INSERT INTO merchant_nonces (merchant_id, nonce, seen_at)
                SELECT \(nonce?.merchantId), \(nonce?.value), \(nonce.map { Self.ms($0.seenAt) })
                FROM ok WHERE ok.complete AND \(nonce != nil)
                ON CONFLICT DO NOTHING
                RETURNING 1),
            p AS (
                INSERT INTO payments (id, merchant_id, merchant_order_id, channel_id, amount, currency, subject,
                    notify_url, metadata, status, created_at, updated_at, next_check_at, limit_holds)
                SELECT \(payment.id), \(payment.merchantId), \(payment.merchantOrderId), \(payment.channelId),
                    \(payment.amount), \(payment.currency), \(payment.subject), \(payment.notifyURL), \(metadata),
                    \(payment.status.rawValue), \(Self.ms(payment.createdAt)), \(Self.ms(payment.updatedAt)),
                    \(Self.ms(checkAt)),
                    (SELECT string_agg(w.key || '|' || w.day || '|' || pick.slot, ';' ORDER BY w.ord)
                        FROM pick JOIN w ON w.ord = pick.ord)
                FROM ok WHERE ok.complete AND (\(nonce == nil) OR EXISTS (SELECT 1 FROM n))
                ON CONFLICT (merchant_id, merchant_order_id) DO NOTHING
                RETURNING id),
            upd AS (
                UPDATE limit_counters AS c SET amount = c.amount + w.amount, count = c.count + 1
                FROM pick JOIN w ON w.ord = pick.ord
                WHERE c.limit_key = w.key AND c.day = w.day AND c.slot = pick.slot AND EXISTS (SELECT 1 FROM p)
                RETURNING 1),
            t AS (
                INSERT INTO transitions (transaction_id, kind, from_status, to_status, cause, at)
                SELECT id, \(TransactionKind.payment.rawValue), \(TransactionStatus.created.rawValue),
                    \(payment.status.rawValue), 'accepted', \(Self.ms(payment.createdAt))
                FROM p WHERE \(withTransition))
            SELECT ok.complete, \(nonce == nil) OR EXISTS (SELECT 1 FROM n), EXISTS (SELECT 1 FROM p),
                (SELECT count(*) FROM upd)
            FROM ok
            """, on: connection
        ).first
        guard let row else { throw StoreError("the payment insert answered no row") }
        let (complete, nonceFresh, inserted, moved) = try row.decode((Bool, Bool, Bool, Int64).self)
        guard complete else { return .missed }
        guard nonceFresh else { return .replayedNonce }
        guard inserted else { return .conflicted }
        if moved != Int64(holds.count) {
            // Cannot happen: the statement holds the lock of every slot it picked, so its update finds each.
            logger.critical(
                "ledger: a payment's limit reservation moved fewer counters than it holds",
                metadata: ["payment_id": "\(payment.id)", "moved": "\(moved)", "holds": "\(holds.count)"])
        }
        return .inserted
    }

    private func existingPayment(_ key: PaymentKey, on connection: PostgresConnection) async throws -> PaymentRecord {
        guard let existing = try await fetchPayment(key, on: connection) else {
            throw StoreError("payment \(key) conflicted but is not there")
        }
        return existing
    }

    func payment(id: String) async throws -> PaymentRecord? {
        try await withConnection { connection in try await self.fetchPayment(.id(id), on: connection) }
    }

    func payment(merchantId: String, merchantOrderId: String) async throws -> PaymentRecord? {
        try await withConnection { connection in
            try await self.fetchPayment(.order(merchantId: merchantId, merchantOrderId: merchantOrderId), on: connection)
        }
    }

    // MARK: refunds

    func insertRefund(_ refund: RefundRecord, checkAt: Date, nonce: MerchantNonce?) async throws -> RefundInsertResult {
        let result = try await insertRefund(refund, checkAt: checkAt, nonceFirst: nonce)
        if case .replayedNonce = result {} else { nonce?.markRecorded() }
        return result
    }

    private func insertRefund(_ refund: RefundRecord, checkAt: Date, nonceFirst nonce: MerchantNonce?) async throws
        -> RefundInsertResult
    {
        try await transaction { connection in
            if let nonce, try await !self.insertNonce(nonce, on: connection) { return .replayedNonce }
            let byMerchantRefundId = RefundKey.merchantRefund(
                merchantId: refund.merchantId, merchantRefundId: refund.merchantRefundId)
            if let existing = try await self.fetchRefund(byMerchantRefundId, on: connection) {
                return .existing(existing)
            }
            // Refunds of one payment serialize here; the sum below then sees every refund committed before.
            guard
                let payment = try await self.fetchPayment(.id(refund.paymentId), forUpdate: true, on: connection)
            else {
                throw StoreError("payment \(refund.paymentId) vanished")
            }
            if let existing = try await self.fetchRefund(byMerchantRefundId, on: connection) {
                return .existing(existing)
            }
            guard payment.status == .succeeded else { return .paymentNotRefundable(payment) }
            let committed = try await self.committedRefunds(paymentId: refund.paymentId, on: connection)
            guard committed + refund.amount <= payment.amount else {
                return .exceedsRemaining(remaining: payment.amount - committed)
            }
            let inserted = try await self.rows(
                """
                INSERT INTO refunds (id, payment_id, merchant_id, merchant_refund_id, amount, currency, reason,
                    status, created_at, updated_at, next_check_at, channel_id)
                VALUES (\(refund.id), \(refund.paymentId), \(refund.merchantId), \(refund.merchantRefundId),
                    \(refund.amount), \(refund.currency), \(refund.reason), \(refund.status.rawValue),
                    \(Self.ms(refund.createdAt)), \(Self.ms(refund.updatedAt)), \(Self.ms(checkAt)),
                    (SELECT channel_id FROM payments WHERE id = \(refund.paymentId)))
                ON CONFLICT (merchant_id, merchant_refund_id) DO NOTHING
                RETURNING id
                """, on: connection)
            guard !inserted.isEmpty else {
                // The same merchant refund id against another payment, committed meanwhile.
                guard let existing = try await self.fetchRefund(byMerchantRefundId, on: connection) else {
                    throw StoreError("refund \(refund.merchantId)/\(refund.merchantRefundId) conflicted but is not there")
                }
                return .existing(existing)
            }
            try await self.recordTransition(
                id: refund.id, kind: .refund, from: .created, to: refund.status, cause: "accepted", bankCode: nil,
                bankMessage: nil, at: refund.createdAt, on: connection)
            return .inserted(refund)
        }
    }

    func refund(id: String) async throws -> RefundRecord? {
        try await withConnection { connection in try await self.fetchRefund(.id(id), on: connection) }
    }

    func refund(merchantId: String, merchantRefundId: String) async throws -> RefundRecord? {
        try await withConnection { connection in
            try await self.fetchRefund(.merchantRefund(merchantId: merchantId, merchantRefundId: merchantRefundId), on: connection)
        }
    }

    func refundTotals(paymentId: String) async throws -> RefundTotals {
        try await withConnection { connection in
            let row = try await self.rows(
                """
                SELECT
                    COALESCE(SUM(amount) FILTER (WHERE status IN ('processing','pending','succeeded')), 0)::BIGINT,
                    COALESCE(SUM(amount) FILTER (WHERE status = 'succeeded'), 0)::BIGINT
                FROM refunds WHERE payment_id = \(paymentId)
                """, on: connection
            ).first
            guard let row else { return RefundTotals(committed: 0, succeeded: 0) }
            let (committed, succeeded) = try row.decode((Int64, Int64).self)
            return RefundTotals(committed: committed, succeeded: succeeded)
        }
    }

    func transitions(transactionId: String) async throws -> [TransitionRecord] {
        try await withConnection { connection in
            try await self.rows(
                """
                SELECT transaction_id, kind, from_status, to_status, cause, bank_code, bank_message, outcome_reason, at
                FROM transitions WHERE transaction_id = \(transactionId) ORDER BY seq
                """, on: connection
            ).map(Self.transition)
        }
    }

    // MARK: steps inside a transaction

    private enum PaymentKey {
        case id(String)
        case order(merchantId: String, merchantOrderId: String)
    }

    private enum RefundKey {
        case id(String)
        case merchantRefund(merchantId: String, merchantRefundId: String)
    }

    /// `forUpdate` locks the row until the transaction ends.
    private func fetchPayment(_ key: PaymentKey, forUpdate: Bool = false, on connection: PostgresConnection)
        async throws -> PaymentRecord?
    {
        let lock = forUpdate ? " FOR UPDATE" : ""
        let query: PostgresQuery =
            switch key {
            case .id(let id):
                "SELECT \(unescaped: Self.paymentColumns) FROM payments WHERE id = \(id)\(unescaped: lock)"
            case .order(let merchantId, let merchantOrderId):
                """
                SELECT \(unescaped: Self.paymentColumns) FROM payments
                WHERE merchant_id = \(merchantId) AND merchant_order_id = \(merchantOrderId)\(unescaped: lock)
                """
            }
        return try await rows(query, on: connection).first.map(Self.payment)
    }

    private func fetchRefund(_ key: RefundKey, on connection: PostgresConnection) async throws -> RefundRecord? {
        let query: PostgresQuery =
            switch key {
            case .id(let id):
                "SELECT \(unescaped: Self.refundColumns) FROM refunds WHERE id = \(id)"
            case .merchantRefund(let merchantId, let merchantRefundId):
                """
                SELECT \(unescaped: Self.refundColumns) FROM refunds
                WHERE merchant_id = \(merchantId) AND merchant_refund_id = \(merchantRefundId)
                """
            }
        return try await rows(query, on: connection).first.map(Self.refund)
    }

    private func committedRefunds(paymentId: String, on connection: PostgresConnection) async throws -> Int64 {
        try await rows(
            """
            SELECT COALESCE(SUM(amount), 0)::BIGINT FROM refunds
            WHERE payment_id = \(paymentId) AND status IN ('processing', 'pending', 'succeeded')
            """, on: connection
        ).first?.decode(Int64.self) ?? 0
    }

    /// `limitHolds`: also stores a new payment's reserved counters, in the same round trip.
    func recordTransition(
        id: String, kind: TransactionKind, from: TransactionStatus?, to: TransactionStatus, cause: String,
        bankCode: String?, bankMessage: String?, outcomeReason: String? = nil, at: Date,
        limitHolds: (paymentId: String, text: String?)? = nil, on connection: PostgresConnection
    ) async throws {
        if let limitHolds, let text = limitHolds.text {
            try await self.execute(
                """
                WITH t AS (
                    INSERT INTO transitions (transaction_id, kind, from_status, to_status, cause, bank_code,
                        bank_message, outcome_reason, at)
                    VALUES (\(id), \(kind.rawValue), \(from?.rawValue), \(to.rawValue), \(cause), \(bankCode),
                        \(bankMessage), \(outcomeReason), \(Self.ms(at))))
                UPDATE payments SET limit_holds = \(text) WHERE id = \(limitHolds.paymentId)
                """, on: connection)
            return
        }
        try await self.execute(
            """
            INSERT INTO transitions (transaction_id, kind, from_status, to_status, cause, bank_code, bank_message,
                outcome_reason, at)
            VALUES (\(id), \(kind.rawValue), \(from?.rawValue), \(to.rawValue), \(cause), \(bankCode), \(bankMessage),
                \(outcomeReason), \(Self.ms(at)))
            """, on: connection)
    }
}
