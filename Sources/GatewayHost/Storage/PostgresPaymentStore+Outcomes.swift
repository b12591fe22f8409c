import ChannelKit
import Foundation
import PostgresNIO

/// Outcome updates of payments and refunds in PostgreSQL, each one statement: the row's compare-and-set
/// UPDATE (from the state it is in, if that may move to the new one), its transitions row and, for a final
/// state, its outbox event are data-modifying CTEs of a single statement, which PostgreSQL runs atomically on
/// its own — one round trip and one commit, with no BEGIN/COMMIT around it. Only a payment's decline, which
/// also gives back its daily limit counters, runs in a transaction (`release`).
extension PostgresPaymentStore {
    /// The row after the update, or — when nothing moved (the move is not allowed, or another process moved it
    /// first) — the row as it is now; nil when there is no such row.
    func updatePayment(id: String, with update: OutcomeUpdate, at now: Date) async throws -> PaymentRecord? {
        let moved: PostgresRow?
        if update.status == .declined {
            // A declined (or not processed) payment no longer counts against its daily limits.
            moved = try await transaction(operation: "updatePayment") { connection in
                guard let row = try await self.applyOutcome(update, kind: .payment, id: id, at: now, on: connection)
                else { return nil }
                try await self.release(paymentId: id, on: connection)
                return row
            }
        } else {
            moved = try await withConnection(writing: "updatePayment") { connection in
                try await self.applyOutcome(update, kind: .payment, id: id, at: now, on: connection)
            }
        }
        if let moved { return try Self.payment(moved) }
        return try await payment(id: id)
    }

    /// As `updatePayment`, for a refund (its webhook goes to its payment's notify_url).
    func updateRefund(id: String, with update: OutcomeUpdate, at now: Date) async throws -> RefundRecord? {
        let moved = try await withConnection(writing: "updateRefund") { connection in
            try await self.applyOutcome(update, kind: .refund, id: id, at: now, on: connection)
        }
        if let moved { return try Self.refund(moved) }
        return try await refund(id: id)
    }

    /// The one statement of an outcome update: moves the row to `update.status` if it is in a state that may
    /// move there and still in the state this statement read (a concurrent move makes the re-checked
    /// `status = cur.status` false), records the transition and, for a final state, puts the webhook event
    /// into the outbox. Returns the updated row (`paymentColumns` or `refundColumns`), or nil when nothing
    /// moved.
    private func applyOutcome(
        _ update: OutcomeUpdate, kind: TransactionKind, id: String, at now: Date, on connection: PostgresConnection
    ) async throws -> PostgresRow? {
        let movable = TransactionStatus.allCases.filter { $0.canMove(to: update.status) }.map(\.rawValue)
        let table = Self.table(kind)
        let columns = kind == .payment ? Self.paymentColumns : Self.refundColumns
        let returned = kind == .payment ? Self.qualifiedPaymentColumns : Self.qualifiedRefundColumns
        let current =
            kind == .payment
            ? "SELECT id, status, notify_url AS hook_url FROM payments WHERE id ="
            : "SELECT r.id, r.status, p.notify_url AS hook_url FROM refunds AS r "
                + "LEFT JOIN payments AS p ON p.id = r.payment_id WHERE r.id ="
        let query: PostgresQuery = """
            WITH cur AS (\(unescaped: current) \(id)),
            upd AS (
                UPDATE \(unescaped: table) AS x SET status = \(update.status.rawValue),
                    bank_transaction_id = COALESCE(\(update.bankTransactionId), x.bank_transaction_id),
                    bank_code = \(update.bankCode), bank_message = \(update.bankMessage),
                    not_processed = \(update.notProcessed), outcome_reason = \(update.outcomeReason),
                    updated_at = \(Self.ms(now)),
                    finished_at = \(update.finishedAt.map(Self.ms)), next_check_at = \(update.nextCheckAt.map(Self.ms)),
                    check_attempts = 0
                FROM cur
                WHERE x.id = cur.id AND x.status = cur.status AND cur.status = ANY(\(movable)::TEXT[])
                RETURNING cur.status AS from_status, cur.hook_url, \(unescaped: returned)),
            t AS (
                INSERT INTO transitions (transaction_id, kind, from_status, to_status, cause, bank_code, bank_message,
                    outcome_reason, at)
                SELECT id, \(kind.rawValue), from_status, \(update.status.rawValue), \(update.cause), \(update.bankCode),
                    \(update.bankMessage), \(update.outcomeReason), \(Self.ms(now))
                FROM upd),
            w AS (
                INSERT INTO webhook_events (id, merchant_id, transaction_id, kind, type, url, state, next_attempt_at,
                    created_at)
                SELECT \(WebhookEvent.id(transactionId: id, status: update.status)), merchant_id, id, \(kind.rawValue),
                    \("\(kind.rawValue).\(update.status.rawValue)"), hook_url, 'pending', \(Self.ms(now)),
                    \(Self.ms(now))
                FROM upd WHERE \(update.status.isFinal)
                ON CONFLICT (id) DO NOTHING)
            SELECT \(unescaped: columns) FROM upd
            """
        return try await rows(query, on: connection).first
    }

    /// The columns `applyOutcome` returns, qualified with the updated table's alias `x` (built once, not per
    /// update).
    private static let qualifiedPaymentColumns = qualified(paymentColumns, "x")
    private static let qualifiedRefundColumns = qualified(refundColumns, "x")

    /// `columns` (a comma-separated list) each prefixed with `alias.`.
    private static func qualified(_ columns: String, _ alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespacesAndNewlines))" }
            .joined(separator: ", ")
    }
}
