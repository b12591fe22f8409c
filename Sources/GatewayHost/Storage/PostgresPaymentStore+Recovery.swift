import ChannelKit
import Foundation
import PostgresNIO

extension PostgresPaymentStore {
    func dueChecks(now: Date, limit: Int) async throws -> [OpenTransaction] {
        try await withConnection { connection in
            try await self.rows(
                """
                SELECT 'payment' AS kind, id, COALESCE(attempt_id, id) AS transaction_id, status, channel_id, amount,
                    currency, COALESCE(attempt_started_at, created_at) AS created_at, check_attempts, next_check_at
                FROM payments WHERE next_check_at IS NOT NULL AND next_check_at <= \(Self.ms(now))
                UNION ALL
                SELECT 'refund', r.id, r.id, r.status, p.channel_id, r.amount, r.currency, r.created_at, r.check_attempts,
                    r.next_check_at
                FROM refunds r JOIN payments p ON p.id = r.payment_id
                WHERE r.next_check_at IS NOT NULL AND r.next_check_at <= \(Self.ms(now))
                ORDER BY next_check_at, id LIMIT \(limit)
                """, on: connection
            ).map(Self.openTransaction)
        }
    }

    func claimCheck(_ transaction: OpenTransaction, until: Date) async throws -> Bool {
        try await withConnection(writing: "claimCheck") { connection in
            try await !self.rows(
                """
                UPDATE \(unescaped: Self.table(transaction.kind)) SET next_check_at = \(Self.ms(until))
                WHERE id = \(transaction.id) AND next_check_at = \(Self.ms(transaction.nextCheckAt))
                    AND status = \(transaction.status.rawValue)
                RETURNING id
                """, on: connection
            ).isEmpty
        }
    }

    func rescheduleCheck(_ transaction: OpenTransaction, attempts: Int, next: Date) async throws {
        try await withConnection(writing: "rescheduleCheck") { connection in
            try await self.execute(
                """
                UPDATE \(unescaped: Self.table(transaction.kind)) SET next_check_at = \(Self.ms(next)),
                    check_attempts = \(attempts)
                WHERE id = \(transaction.id) AND status IN ('processing','pending')
                """, on: connection)
        }
    }

    func openCounts(overdueBefore: Date) async throws -> OpenCounts {
        try await withConnection { connection in
            let row = try await self.rows(
                """
                SELECT COUNT(*)::BIGINT, COALESCE(SUM(CASE WHEN created_at < \(Self.ms(overdueBefore)) THEN 1 ELSE 0 END), 0)::BIGINT
                FROM (SELECT created_at FROM payments WHERE status IN ('processing','pending')
                      UNION ALL SELECT created_at FROM refunds WHERE status IN ('processing','pending')) AS open_rows
                """, on: connection
            ).first
            guard let row else { return OpenCounts(open: 0, overdue: 0) }
            let (open, overdue) = try row.decode((Int, Int).self)
            return OpenCounts(open: open, overdue: overdue)
        }
    }

    func openPayments(createdBefore: Date, limit: Int) async throws -> [PaymentRecord] {
        try await withConnection { connection in
            try await self.rows(
                """
                SELECT \(unescaped: Self.paymentColumns) FROM payments
                WHERE status IN ('processing','pending') AND created_at < \(Self.ms(createdBefore))
                ORDER BY created_at, id LIMIT \(limit)
                """, on: connection
            ).map(Self.payment)
        }
    }

    func channelTotals(channelId: String, since: Date) async throws -> [ChannelTotal] {
        try await withConnection { connection in
            try await self.rows(
                """
                SELECT status, currency, COUNT(*)::BIGINT, COALESCE(SUM(amount), 0)::BIGINT FROM payments
                WHERE channel_id = \(channelId) AND created_at >= \(Self.ms(since))
                GROUP BY status, currency ORDER BY status, currency
                """, on: connection
            ).map { row in
                let (status, currency, count, amount) = try row.decode((String, String, Int, Int64).self)
                return ChannelTotal(
                    status: TransactionStatus(rawValue: status) ?? .pending, currency: currency, count: count, amount: amount)
            }
        }
    }

    func openTransactionsByChannel() async throws -> [String: Int] {
        try await withConnection { connection in
            var counts: [String: Int] = [:]
            let rows = try await self.rows(
                """
                SELECT channel_id, COUNT(*)::BIGINT FROM payments WHERE status IN ('processing','pending') GROUP BY channel_id
                UNION ALL
                SELECT p.channel_id, COUNT(*)::BIGINT FROM refunds r JOIN payments p ON p.id = r.payment_id
                WHERE r.status IN ('processing','pending') GROUP BY p.channel_id
                """, on: connection)
            for row in rows {
                let (channel, open) = try row.decode((String, Int).self)
                counts[channel, default: 0] += open
            }
            return counts
        }
    }

    func registerNonce(merchantId: String, nonce: String, at: Date) async throws -> Bool {
        try await withConnection(writing: "registerNonce") { connection in
            try await self.insertNonce(MerchantNonce(merchantId: merchantId, value: nonce, seenAt: at), on: connection)
        }
    }

    /// Records a request's nonce (inside the caller's transaction, if any); false when it was seen before.
    func insertNonce(_ nonce: MerchantNonce, on connection: PostgresConnection) async throws -> Bool {
        try await !rows(
            """
            INSERT INTO merchant_nonces (merchant_id, nonce, seen_at)
            VALUES (\(nonce.merchantId), \(nonce.value), \(Self.ms(nonce.seenAt)))
            ON CONFLICT DO NOTHING
            RETURNING 1
            """, on: connection
        ).isEmpty
    }

    func purgeNonces(before: Date) async throws {
        try await withConnection(writing: "purgeNonces") { connection in
            try await self.execute("DELETE FROM merchant_nonces WHERE seen_at < \(Self.ms(before))", on: connection)
        }
    }
}
