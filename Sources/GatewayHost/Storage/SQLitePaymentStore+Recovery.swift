import ChannelKit
import Foundation
import GRDB

extension SQLitePaymentStore {
    func dueChecks(now: Date, limit: Int) async throws -> [OpenTransaction] {
        try await pool.read { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT 'payment' AS kind, id, COALESCE(attempt_id, id) AS transaction_id, status, channel_id, amount,
                        currency, COALESCE(attempt_started_at, created_at) AS created_at, check_attempts, next_check_at
                    FROM payments WHERE next_check_at IS NOT NULL AND next_check_at <= ?
                    UNION ALL
                    SELECT 'refund', r.id, r.id, r.status, p.channel_id, r.amount, r.currency, r.created_at,
                        r.check_attempts, r.next_check_at
                    FROM refunds r JOIN payments p ON p.id = r.payment_id
                    WHERE r.next_check_at IS NOT NULL AND r.next_check_at <= ?
                    ORDER BY next_check_at LIMIT ?
                    """), arguments: [Self.ms(now), Self.ms(now), limit])
            return rows.compactMap { row in
                guard let kind = TransactionKind(rawValue: row["kind"]),
                    let status = TransactionStatus(rawValue: row["status"])
                else { return nil }
                return OpenTransaction(
                    kind: kind, id: row["id"], transactionId: row["transaction_id"], status: status, channelId: row["channel_id"], amount: row["amount"],
                    currency: row["currency"], createdAt: Self.date(row["created_at"]), attempts: row["check_attempts"],
                    nextCheckAt: Self.date(row["next_check_at"]))
            }
        }
    }

    func claimCheck(_ transaction: OpenTransaction, until: Date) async throws -> Bool {
        try await writer.write { db in
            try db.cachedStatement(sql: "UPDATE \(Self.table(transaction.kind)) SET next_check_at = ? WHERE id = ? AND next_check_at = ? AND status = ?").execute(arguments: [
                    Self.ms(until), transaction.id, Self.ms(transaction.nextCheckAt), transaction.status.rawValue,
                ])
            return db.changesCount == 1
        }
    }

    func rescheduleCheck(_ transaction: OpenTransaction, attempts: Int, next: Date) async throws {
        try await writer.write { db in
            try db.cachedStatement(sql: """
                    UPDATE \(Self.table(transaction.kind)) SET next_check_at = ?, check_attempts = ?
                    WHERE id = ? AND status IN ('processing','pending')
                    """).execute(arguments: [Self.ms(next), attempts, transaction.id])
        }
    }

    func openCounts(overdueBefore: Date) async throws -> OpenCounts {
        try await pool.read { db in
            let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT COUNT(*) AS open, COALESCE(SUM(CASE WHEN created_at < ? THEN 1 ELSE 0 END), 0) AS overdue
                    FROM (SELECT created_at FROM payments WHERE status IN ('processing','pending')
                          UNION ALL SELECT created_at FROM refunds WHERE status IN ('processing','pending'))
                    """), arguments: [Self.ms(overdueBefore)])
            return OpenCounts(open: row?["open"] ?? 0, overdue: row?["overdue"] ?? 0)
        }
    }

    func openPayments(createdBefore: Date, limit: Int) async throws -> [PaymentRecord] {
        try await pool.read { db in
            let ids = try String.fetchAll(
                db.cachedStatement(sql: """
                    SELECT id FROM payments WHERE status IN ('processing','pending') AND created_at < ?
                    ORDER BY created_at, id LIMIT ?
                    """), arguments: [Self.ms(createdBefore), limit])
            return try ids.compactMap { try Self.fetchPayment(db, where: "id = ?", [$0]) }
        }
    }

    func channelTotals(channelId: String, since: Date) async throws -> [ChannelTotal] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: """
                    SELECT status, currency, COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM payments
                    WHERE channel_id = ? AND created_at >= ? GROUP BY status, currency ORDER BY status, currency
                    """), arguments: [channelId, Self.ms(since)]
            ).map { row in
                ChannelTotal(
                    status: TransactionStatus(rawValue: row["status"]) ?? .pending, currency: row["currency"],
                    count: row["n"], amount: row["total"])
            }
        }
    }

    func openTransactionsByChannel() async throws -> [String: Int] {
        try await pool.read { db in
            var counts: [String: Int] = [:]
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT channel_id, COUNT(*) AS open FROM payments WHERE status IN ('processing','pending') GROUP BY channel_id
                    UNION ALL
                    SELECT p.channel_id, COUNT(*) FROM refunds r JOIN payments p ON p.id = r.payment_id
                    WHERE r.status IN ('processing','pending') GROUP BY p.channel_id
                    """))
            for row in rows {
                let channel: String = row[0]
                counts[channel, default: 0] += row[1] as Int
            }
            return counts
        }
    }

    func registerNonce(merchantId: String, nonce: String, at: Date) async throws -> Bool {
        try await writer.write { db in
            try Self.insertNonce(MerchantNonce(merchantId: merchantId, value: nonce, seenAt: at), db)
        }
    }

    func purgeNonces(before: Date) async throws {
        try await writer.write { db in
            try db.cachedStatement(sql: "DELETE FROM merchant_nonces WHERE seen_at < ?").execute(arguments: [Self.ms(before)])
        }
    }

    static func table(_ kind: TransactionKind) -> String { kind == .payment ? "payments" : "refunds" }
}
