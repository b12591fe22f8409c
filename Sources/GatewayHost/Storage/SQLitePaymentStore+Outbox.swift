import ChannelKit
import Foundation
import GRDB

extension SQLitePaymentStore {
    func dueWebhooks(now: Date, limit: Int) async throws -> [WebhookEvent] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT * FROM webhook_events WHERE state = 'pending' AND next_attempt_at <= ?
                    ORDER BY next_attempt_at LIMIT ?
                    """), arguments: [Self.ms(now), limit]
            ).compactMap(Self.webhookEvent)
        }
    }

    func claimWebhook(_ event: WebhookEvent, until: Date) async throws -> Bool {
        try await writer.write { db in
            try db.cachedStatement(sql: """
                    UPDATE webhook_events SET next_attempt_at = ?
                    WHERE id = ? AND state = 'pending' AND next_attempt_at = ?
                    """).execute(arguments: [Self.ms(until), event.id, event.nextAttemptAt.map(Self.ms)])
            return db.changesCount == 1
        }
    }

    func recordWebhookAttempt(
        _ attempt: WebhookAttempt, event: WebhookEvent, body: String, state: WebhookEvent.State, next: Date?
    ) async throws {
        try await writer.write { db in
            try db.cachedStatement(sql: """
                    INSERT INTO webhook_attempts (event_id, number, at, url, http_status, error, duration_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                    event.id, attempt.number, Self.ms(attempt.at), attempt.url, attempt.httpStatus, attempt.error,
                    attempt.durationMs,
                ])
            try db.cachedStatement(sql: """
                    UPDATE webhook_events SET body = COALESCE(body, ?), state = ?, attempt_count = ?, next_attempt_at = ?
                    WHERE id = ?
                    """).execute(arguments: [body, state.rawValue, attempt.number, next.map(Self.ms), event.id])
        }
    }

    func webhooks(transactionId: String) async throws -> [WebhookEvent] {
        try await pool.read { db in
            var events = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM webhook_events WHERE transaction_id = ? ORDER BY created_at, id"), arguments: [transactionId]
            ).compactMap(Self.webhookEvent)
            for index in events.indices {
                events[index].attempts = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM webhook_attempts WHERE event_id = ? ORDER BY number"), arguments: [events[index].id]
                ).map { row in
                    WebhookAttempt(
                        number: row["number"], at: Self.date(row["at"]), url: row["url"], httpStatus: row["http_status"],
                        error: row["error"], durationMs: row["duration_ms"])
                }
            }
            return events
        }
    }

    private static func webhookEvent(_ row: Row) -> WebhookEvent? {
        guard let kind = TransactionKind(rawValue: row["kind"]), let state = WebhookEvent.State(rawValue: row["state"])
        else { return nil }
        return WebhookEvent(
            id: row["id"], merchantId: row["merchant_id"], transactionId: row["transaction_id"], kind: kind,
            type: row["type"], url: row["url"], body: row["body"], state: state, attemptCount: row["attempt_count"],
            nextAttemptAt: (row["next_attempt_at"] as Int64?).map(date), createdAt: date(row["created_at"]))
    }
}
