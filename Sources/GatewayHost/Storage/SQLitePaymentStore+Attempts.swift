import Foundation
import GRDB

/// Payment attempts in SQLite (`PaymentStore.failoverPayment`, schema `SQLiteMigrations.v7`).
extension SQLitePaymentStore {
    func payment(transactionId: String) async throws -> PaymentRecord? {
        try await pool.read { db in
            if let byAttempt = try Self.fetchPayment(db, where: "attempt_id = ?", [transactionId]) { return byAttempt }
            return try Self.fetchPayment(db, where: "id = ? AND attempt_id IS NULL", [transactionId])
        }
    }

    func attempts(paymentId: String) async throws -> [PaymentAttempt] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM payment_attempts WHERE payment_id = ? ORDER BY number"),
                arguments: [paymentId]
            ).map { row in
                PaymentAttempt(
                    id: row["id"], paymentId: row["payment_id"], number: row["number"], channelId: row["channel_id"],
                    amount: row["amount"], currency: row["currency"], bankTransactionId: row["bank_transaction_id"],
                    bankCode: row["bank_code"], bankMessage: row["bank_message"], outcomeReason: row["outcome_reason"],
                    createdAt: Self.date(row["created_at"]), finishedAt: Self.date(row["finished_at"]),
                    nextReason: row["next_reason"])
            }
        }
    }

    func failoverPayment(_ failover: Failover, at now: Date) async throws -> FailoverResult {
        do {
            return try await writer.write { db in
                guard let current = try Self.fetchPayment(db, where: "id = ?", [failover.paymentId]),
                    current.status == .processing, current.transactionId == failover.fromTransactionId
                else { return .notCurrent }
                // Released first: a merchant's own cap counts both channels, and must not count this payment twice.
                try Self.release(paymentId: current.id, db)
                try Self.reserve(failover.holds, db)
                let update = failover.outcome
                let attemptStart = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT COALESCE(attempt_started_at, created_at) FROM payments WHERE id = ?"),
                    arguments: [current.id]) ?? Self.ms(current.createdAt)
                try db.cachedStatement(sql: """
                        INSERT INTO payment_attempts (id, payment_id, number, channel_id, amount, currency, status,
                            bank_transaction_id, bank_code, bank_message, not_processed, outcome_reason, created_at,
                            finished_at, next_reason)
                        VALUES (?, ?, ?, ?, ?, ?, 'declined', ?, ?, ?, ?, ?, ?, ?, ?)
                        """).execute(arguments: [
                        current.transactionId, current.id, current.attemptNumber, current.channelId, current.amount,
                        current.currency, update.bankTransactionId, update.bankCode, update.bankMessage,
                        update.notProcessed, update.outcomeReason, attemptStart, Self.ms(update.finishedAt ?? now),
                        failover.reason,
                    ])
                try db.cachedStatement(sql: """
                        UPDATE payments SET channel_id = ?, attempt_id = ?, attempt_number = attempt_number + 1,
                            attempt_started_at = ?, limit_holds = ?, updated_at = ?, next_check_at = ?, check_attempts = 0
                        WHERE id = ? AND status = 'processing'
                        """).execute(arguments: [
                        failover.nextChannelId, failover.nextAttemptId, Self.ms(now), LimitHold.encode(failover.holds),
                        Self.ms(now), Self.ms(failover.checkAt), current.id,
                    ])
                try Self.recordTransition(
                    db, id: current.id, kind: .payment, from: .processing, to: .processing, cause: "failover",
                    bankCode: update.bankCode, bankMessage: failover.reason, outcomeReason: update.outcomeReason, at: now)
                guard let moved = try Self.fetchPayment(db, where: "id = ?", [current.id]) else {
                    throw StoreError("payment \(current.id) vanished during its failover")
                }
                return .moved(moved)
            }
        } catch let refused as LimitRefused {
            return .limitExceeded(refused.refusal)
        }
    }
}
