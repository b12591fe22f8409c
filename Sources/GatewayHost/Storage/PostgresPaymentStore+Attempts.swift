import Foundation
import PostgresNIO

/// Payment attempts in PostgreSQL (`PaymentStore.failoverPayment`, schema `PostgresMigrations.v7`).
extension PostgresPaymentStore {
    func payment(transactionId: String) async throws -> PaymentRecord? {
        try await withConnection { connection in
            try await self.rows(
                """
                SELECT \(unescaped: Self.paymentColumns) FROM payments WHERE attempt_id = \(transactionId)
                UNION ALL
                SELECT \(unescaped: Self.paymentColumns) FROM payments WHERE id = \(transactionId) AND attempt_id IS NULL
                LIMIT 1
                """, on: connection
            ).first.map(Self.payment)
        }
    }

    func attempts(paymentId: String) async throws -> [PaymentAttempt] {
        try await withConnection { connection in
            try await self.rows(
                """
                SELECT id, payment_id, number, channel_id, amount, currency, bank_transaction_id, bank_code, bank_message,
                    outcome_reason, created_at, finished_at, next_reason
                FROM payment_attempts WHERE payment_id = \(paymentId) ORDER BY number
                """, on: connection
            ).map { row in
                let row = row.makeRandomAccess()
                return PaymentAttempt(
                    id: try row["id"].decode(String.self), paymentId: try row["payment_id"].decode(String.self),
                    number: try row["number"].decode(Int.self), channelId: try row["channel_id"].decode(String.self),
                    amount: try row["amount"].decode(Int64.self), currency: try row["currency"].decode(String.self),
                    bankTransactionId: try row["bank_transaction_id"].decode(String?.self),
                    bankCode: try row["bank_code"].decode(String?.self), bankMessage: try row["bank_message"].decode(String?.self),
                    outcomeReason: try row["outcome_reason"].decode(String?.self),
                    createdAt: Self.date(try row["created_at"].decode(Int64.self)),
                    finishedAt: Self.date(try row["finished_at"].decode(Int64.self)),
                    nextReason: try row["next_reason"].decode(String.self))
            }
        }
    }

    func failoverPayment(_ failover: Failover, at now: Date) async throws -> FailoverResult {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await failoverOnce(failover, at: now)
            } catch let refused as LimitRefused {
                return .limitExceeded(refused.refusal)
            } catch let error as PSQLError where attempt < 5 && Self.isDeadlock(error) {
                logger.notice("ledger: a failover's limit reservation deadlocked; retrying", metadata: ["attempt": "\(attempt)"])
            }
        }
    }

    private func failoverOnce(_ failover: Failover, at now: Date) async throws -> FailoverResult {
        try await transaction { connection in
            // The payment's row first (locked), then its counters: the order every writer of it follows.
            guard
                let row = try await self.rows(
                    """
                    SELECT \(unescaped: Self.paymentColumns), COALESCE(attempt_started_at, created_at) AS attempt_start
                    FROM payments WHERE id = \(failover.paymentId) FOR UPDATE
                    """, on: connection
                ).first
            else { return .notCurrent }
            let current = try Self.payment(row)
            guard current.status == .processing, current.transactionId == failover.fromTransactionId else { return .notCurrent }
            let attemptStart = try row.makeRandomAccess()["attempt_start"].decode(Int64.self)
            try await self.release(paymentId: current.id, on: connection)
            let reserved = try await self.reserve(failover.holds, on: connection)
            let update = failover.outcome
            try await self.execute(
                """
                INSERT INTO payment_attempts (id, payment_id, number, channel_id, amount, currency, status,
                    bank_transaction_id, bank_code, bank_message, not_processed, outcome_reason, created_at, finished_at,
                    next_reason)
                VALUES (\(current.transactionId), \(current.id), \(current.attemptNumber), \(current.channelId),
                    \(current.amount), \(current.currency), 'declined', \(update.bankTransactionId), \(update.bankCode),
                    \(update.bankMessage), \(update.notProcessed), \(update.outcomeReason), \(attemptStart),
                    \(Self.ms(update.finishedAt ?? now)), \(failover.reason))
                """, on: connection)
            guard
                let moved = try await self.rows(
                    """
                    UPDATE payments SET channel_id = \(failover.nextChannelId), attempt_id = \(failover.nextAttemptId),
                        attempt_number = attempt_number + 1, attempt_started_at = \(Self.ms(now)),
                        limit_holds = \(LimitHold.encode(reserved)), updated_at = \(Self.ms(now)),
                        next_check_at = \(Self.ms(failover.checkAt)), check_attempts = 0
                    WHERE id = \(current.id) AND status = 'processing'
                    RETURNING \(unescaped: Self.paymentColumns)
                    """, on: connection
                ).first
            else { throw StoreError("payment \(current.id) changed during its failover") }
            try await self.recordTransition(
                id: current.id, kind: .payment, from: .processing, to: .processing, cause: "failover",
                bankCode: update.bankCode, bankMessage: failover.reason, outcomeReason: update.outcomeReason, at: now,
                on: connection)
            return .moved(try Self.payment(moved))
        }
    }
}
