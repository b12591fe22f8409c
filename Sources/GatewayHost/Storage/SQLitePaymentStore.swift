import ChannelKit
import Foundation
import GRDB

/// The embedded ledger: SQLite in WAL mode with `synchronous=FULL`, so that a committed state change
/// survives a crash or power loss. Writes are serialized on GRDB's writer connection and folded into group
/// commits (`SQLiteGroupCommit`); every check-then-insert runs inside one unit of work (a savepoint).
final class SQLitePaymentStore: PaymentStore {
    let pool: DatabasePool
    /// All writes go through group commit (one fsync for the transactions of concurrent requests).
    let writer: SQLiteGroupCommit

    /// Opens (creating if needed) `ledger.sqlite` under `directory` and migrates it to the latest schema.
    init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        // Processes opening one new ledger at once would race on enabling WAL and on the migrator (which reads
        // the applied migrations outside the write lock): opening is serialized with an exclusive file lock.
        let lock = try OpeningLock(directory.appendingPathComponent("ledger.lock"))
        defer { lock.release() }
        pool = try DatabasePool(path: directory.appendingPathComponent("ledger.sqlite").path, configuration: configuration)
        // GRDB sets synchronous=NORMAL on the writer when it enables WAL; money needs FULL. Set it on the
        // writer connection and read it back.
        let synchronous = try pool.writeWithoutTransaction { db -> Int in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
        guard synchronous == 2 else {
            throw StoreError("could not set PRAGMA synchronous = FULL on the ledger (got \(synchronous))")
        }
        try SQLiteMigrations.migrator.migrate(pool)
        writer = SQLiteGroupCommit(pool: pool)
    }

    // MARK: payments

    func insertPayment(_ payment: PaymentRecord, checkAt: Date, holds: [LimitHold], nonce: MerchantNonce?) async throws
        -> PaymentInsertResult
    {
        do {
            let result = try await writer.write { db -> PaymentInsertResult in
                if let nonce, try !Self.insertNonce(nonce, db) { return .replayedNonce }
                if let existing = try Self.fetchPayment(
                    db, where: "merchant_id = ? AND merchant_order_id = ?",
                    [payment.merchantId, payment.merchantOrderId])
                {
                    return .existing(existing)
                }
                try Self.reserve(holds, db)
                try Self.insert(payment, checkAt: checkAt, holds: holds, db)
                return .inserted(payment)
            }
            if case .replayedNonce = result {} else { nonce?.markRecorded() }
            return result
        } catch let refused as LimitRefused {
            return .limitExceeded(refused.refusal)
        }
    }

    private static func insert(_ payment: PaymentRecord, checkAt: Date, holds: [LimitHold], _ db: Database) throws {
            try db.cachedStatement(sql: """
                    INSERT INTO payments (id, merchant_id, merchant_order_id, channel_id, amount, currency, subject,
                        notify_url, metadata, status, created_at, updated_at, next_check_at, limit_holds)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                    payment.id, payment.merchantId, payment.merchantOrderId, payment.channelId, payment.amount,
                    payment.currency, payment.subject, payment.notifyURL, try Self.encodeMetadata(payment.metadata),
                    payment.status.rawValue, Self.ms(payment.createdAt), Self.ms(payment.updatedAt), Self.ms(checkAt),
                    LimitHold.encode(holds),
                ])
            try Self.recordTransition(
                db, id: payment.id, kind: .payment, from: .created, to: payment.status, cause: "accepted",
                bankCode: nil, bankMessage: nil, at: payment.createdAt)
    }

    func payment(id: String) async throws -> PaymentRecord? {
        try await pool.read { db in try Self.fetchPayment(db, where: "id = ?", [id]) }
    }

    func payment(merchantId: String, merchantOrderId: String) async throws -> PaymentRecord? {
        try await pool.read { db in
            try Self.fetchPayment(db, where: "merchant_id = ? AND merchant_order_id = ?", [merchantId, merchantOrderId])
        }
    }

    func updatePayment(id: String, with update: OutcomeUpdate, at now: Date) async throws -> PaymentRecord? {
        try await writer.write { db in
            guard let current = try Self.fetchPayment(db, where: "id = ?", [id]) else { return nil }
            // The UPDATE returns the row as stored: no SELECT after it.
            guard
                let row = try Self.apply(
                    update, to: "payments", kind: .payment, id: id, from: current.status, merchantId: current.merchantId,
                    notifyURL: current.notifyURL, at: now, db)
            else {
                return current
            }
            return Self.payment(row)
        }
    }

    // MARK: refunds

    func insertRefund(_ refund: RefundRecord, checkAt: Date, nonce: MerchantNonce?) async throws -> RefundInsertResult {
        let result = try await writer.write { db -> RefundInsertResult in
            if let nonce, try !Self.insertNonce(nonce, db) { return .replayedNonce }
            if let existing = try Self.fetchRefund(
                db, where: "merchant_id = ? AND merchant_refund_id = ?", [refund.merchantId, refund.merchantRefundId])
            {
                return .existing(existing)
            }
            guard let payment = try Self.fetchPayment(db, where: "id = ?", [refund.paymentId]) else {
                throw StoreError("payment \(refund.paymentId) vanished")
            }
            guard payment.status == .succeeded else { return .paymentNotRefundable(payment) }
            let committed = try Self.committedRefunds(db, paymentId: refund.paymentId)
            guard committed + refund.amount <= payment.amount else {
                return .exceedsRemaining(remaining: payment.amount - committed)
            }
            try db.cachedStatement(sql: """
                    INSERT INTO refunds (id, payment_id, merchant_id, merchant_refund_id, amount, currency, reason,
                        status, created_at, updated_at, next_check_at, channel_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT channel_id FROM payments WHERE id = ?))
                    """).execute(arguments: [
                    refund.id, refund.paymentId, refund.merchantId, refund.merchantRefundId, refund.amount,
                    refund.currency, refund.reason, refund.status.rawValue, Self.ms(refund.createdAt),
                    Self.ms(refund.updatedAt), Self.ms(checkAt), refund.paymentId,
                ])
            try Self.recordTransition(
                db, id: refund.id, kind: .refund, from: .created, to: refund.status, cause: "accepted",
                bankCode: nil, bankMessage: nil, at: refund.createdAt)
            return .inserted(refund)
        }
        if case .replayedNonce = result {} else { nonce?.markRecorded() }
        return result
    }

    /// Records a request's nonce inside the caller's write transaction; false when it was seen before.
    static func insertNonce(_ nonce: MerchantNonce, _ db: Database) throws -> Bool {
        try db.cachedStatement(sql: "INSERT INTO merchant_nonces (merchant_id, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            .execute(arguments: [nonce.merchantId, nonce.value, ms(nonce.seenAt)])
        return db.changesCount == 1
    }

    func refund(id: String) async throws -> RefundRecord? {
        try await pool.read { db in try Self.fetchRefund(db, where: "id = ?", [id]) }
    }

    func refund(merchantId: String, merchantRefundId: String) async throws -> RefundRecord? {
        try await pool.read { db in
            try Self.fetchRefund(db, where: "merchant_id = ? AND merchant_refund_id = ?", [merchantId, merchantRefundId])
        }
    }

    func updateRefund(id: String, with update: OutcomeUpdate, at now: Date) async throws -> RefundRecord? {
        try await writer.write { db in
            guard let current = try Self.fetchRefund(db, where: "id = ?", [id]) else { return nil }
            let notifyURL = try String.fetchOne(db.cachedStatement(sql: "SELECT notify_url FROM payments WHERE id = ?"), arguments: [current.paymentId])
            guard
                let row = try Self.apply(
                    update, to: "refunds", kind: .refund, id: id, from: current.status, merchantId: current.merchantId,
                    notifyURL: notifyURL, at: now, db)
            else {
                return current
            }
            return Self.refund(row)
        }
    }

    func refundTotals(paymentId: String) async throws -> RefundTotals {
        try await pool.read { db in
            let committed = try Self.committedRefunds(db, paymentId: paymentId)
            let succeeded =
                try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE payment_id = ? AND status = 'succeeded'"), arguments: [paymentId]) ?? 0
            return RefundTotals(committed: committed, succeeded: succeeded)
        }
    }

    func transitions(transactionId: String) async throws -> [TransitionRecord] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM transitions WHERE transaction_id = ? ORDER BY seq"), arguments: [transactionId]
            ).map { row in
                TransitionRecord(
                    transactionId: row["transaction_id"],
                    kind: TransactionKind(rawValue: row["kind"]) ?? .payment,
                    from: (row["from_status"] as String?).flatMap(TransactionStatus.init(rawValue:)),
                    to: TransactionStatus(rawValue: row["to_status"]) ?? .pending,
                    cause: row["cause"], bankCode: row["bank_code"], bankMessage: row["bank_message"],
                    outcomeReason: row["outcome_reason"], at: Self.date(row["at"]))
            }
        }
    }

    // MARK: row mapping

    private static func committedRefunds(_ db: Database, paymentId: String) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT COALESCE(SUM(amount), 0) FROM refunds
                WHERE payment_id = ? AND status IN ('processing', 'pending', 'succeeded')
                """), arguments: [paymentId]) ?? 0
    }

    /// Moves one payment or refund row from `from` to `update.status` and records the transition, inside the
    /// caller's write transaction; a final state also puts its webhook event into the outbox. Returns the row as
    /// the UPDATE left it (`RETURNING *`), or nil (and changes nothing) when the move is not allowed.
    private static func apply(
        _ update: OutcomeUpdate, to table: String, kind: TransactionKind, id: String, from: TransactionStatus,
        merchantId: String, notifyURL: String?, at now: Date, _ db: Database
    ) throws -> Row? {
        guard from.canMove(to: update.status) else { return nil }
        // fetchAll steps the statement to its end (the one row of a primary-key update).
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                UPDATE \(table) SET status = ?, bank_transaction_id = COALESCE(?, bank_transaction_id),
                    bank_code = ?, bank_message = ?, not_processed = ?, outcome_reason = ?, updated_at = ?,
                    finished_at = ?, next_check_at = ?, check_attempts = 0
                WHERE id = ? AND status = ?
                RETURNING *
                """),
            arguments: [
                update.status.rawValue, update.bankTransactionId, update.bankCode, update.bankMessage,
                update.notProcessed, update.outcomeReason, ms(now), update.finishedAt.map(ms),
                update.nextCheckAt.map(ms), id, from.rawValue,
            ])
        guard let row = rows.first else { return nil }
        // A declined (or not processed) payment no longer counts against its daily limits.
        if kind == .payment, update.status == .declined { try release(paymentId: id, db) }
        try recordTransition(
            db, id: id, kind: kind, from: from, to: update.status, cause: update.cause, bankCode: update.bankCode,
            bankMessage: update.bankMessage, outcomeReason: update.outcomeReason, at: now)
        if update.status.isFinal {
            try db.cachedStatement(sql: """
                    INSERT INTO webhook_events (id, merchant_id, transaction_id, kind, type, url, state, next_attempt_at,
                        created_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                    ON CONFLICT (id) DO NOTHING
                    """).execute(arguments: [
                    WebhookEvent.id(transactionId: id, status: update.status), merchantId, id, kind.rawValue,
                    "\(kind.rawValue).\(update.status.rawValue)", notifyURL, ms(now), ms(now),
                ])
        }
        return row
    }

    static func recordTransition(
        _ db: Database, id: String, kind: TransactionKind, from: TransactionStatus?, to: TransactionStatus,
        cause: String, bankCode: String?, bankMessage: String?, outcomeReason: String? = nil, at: Date
    ) throws {
        try db.cachedStatement(sql: """
                INSERT INTO transitions (transaction_id, kind, from_status, to_status, cause, bank_code, bank_message,
                    outcome_reason, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                id, kind.rawValue, from?.rawValue, to.rawValue, cause, bankCode, bankMessage, outcomeReason, ms(at),
            ])
    }

    static func fetchPayment(_ db: Database, where clause: String, _ arguments: StatementArguments) throws
        -> PaymentRecord?
    {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM payments WHERE \(clause)"), arguments: arguments).map(payment)
    }

    /// A payments row (`SELECT *` or `RETURNING *`) as a record.
    static func payment(_ row: Row) -> PaymentRecord {
        PaymentRecord(
            id: row["id"], merchantId: row["merchant_id"], merchantOrderId: row["merchant_order_id"],
            channelId: row["channel_id"], amount: row["amount"], currency: row["currency"], subject: row["subject"],
            notifyURL: row["notify_url"], metadata: decodeMetadata(row["metadata"]),
            status: TransactionStatus(rawValue: row["status"]) ?? .pending,
            bankTransactionId: row["bank_transaction_id"], bankCode: row["bank_code"],
            bankMessage: row["bank_message"], notProcessed: row["not_processed"],
            outcomeReason: row["outcome_reason"], createdAt: date(row["created_at"]), updatedAt: date(row["updated_at"]),
            finishedAt: (row["finished_at"] as Int64?).map(date), attemptId: row["attempt_id"],
            attemptNumber: row["attempt_number"])
    }

    private static func fetchRefund(_ db: Database, where clause: String, _ arguments: StatementArguments) throws
        -> RefundRecord?
    {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM refunds WHERE \(clause)"), arguments: arguments).map(refund)
    }

    /// A refunds row (`SELECT *` or `RETURNING *`) as a record.
    private static func refund(_ row: Row) -> RefundRecord {
        RefundRecord(
            id: row["id"], paymentId: row["payment_id"], merchantId: row["merchant_id"],
            merchantRefundId: row["merchant_refund_id"], amount: row["amount"], currency: row["currency"],
            reason: row["reason"], status: TransactionStatus(rawValue: row["status"]) ?? .pending,
            bankTransactionId: row["bank_transaction_id"], bankCode: row["bank_code"],
            bankMessage: row["bank_message"], notProcessed: row["not_processed"],
            outcomeReason: row["outcome_reason"], createdAt: date(row["created_at"]), updatedAt: date(row["updated_at"]),
            finishedAt: (row["finished_at"] as Int64?).map(date))
    }

    private static func encodeMetadata(_ metadata: [String: String]?) throws -> String? {
        guard let metadata else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(metadata), as: UTF8.self)
    }

    private static func decodeMetadata(_ text: String?) -> [String: String]? {
        guard let text else { return nil }
        return try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
}

/// An exclusive `flock` on a file, held while a ledger is opened and migrated.
private struct OpeningLock {
    private let descriptor: Int32

    init(_ file: URL) throws {
        descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError("cannot open \(file.lastPathComponent) (errno \(errno))") }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw StoreError("cannot lock \(file.lastPathComponent) (errno \(errno))")
            }
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// A ledger failure that is the gateway's fault (never the merchant's).
struct StoreError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
