import ChannelKit
import Foundation
import PostgresNIO

extension PostgresPaymentStore {
    func dueWebhooks(now: Date, limit: Int) async throws -> [WebhookEvent] {
        try await withConnection { connection in
            try await self.rows(
                """
                SELECT \(unescaped: Self.webhookEventColumns) FROM webhook_events
                WHERE state = 'pending' AND next_attempt_at <= \(Self.ms(now))
                ORDER BY next_attempt_at, id LIMIT \(limit)
                """, on: connection
            ).map { try Self.webhookEvent($0.makeRandomAccess()) }
        }
    }

    func claimWebhook(_ event: WebhookEvent, until: Date) async throws -> Bool {
        try await withConnection(writing: "claimWebhook") { connection in
            try await !self.rows(
                """
                UPDATE webhook_events SET next_attempt_at = \(Self.ms(until))
                WHERE id = \(event.id) AND state = 'pending' AND next_attempt_at = \(event.nextAttemptAt.map(Self.ms))
                RETURNING id
                """, on: connection
            ).isEmpty
        }
    }

    /// One statement (atomic on its own, one round trip): the attempt's row and the event's new state.
    func recordWebhookAttempt(
        _ attempt: WebhookAttempt, event: WebhookEvent, body: String, state: WebhookEvent.State, next: Date?
    ) async throws {
        try await withConnection(writing: "recordWebhookAttempt") { connection in
            try await self.execute(
                """
                WITH a AS (
                    INSERT INTO webhook_attempts (event_id, number, at, url, http_status, error, duration_ms)
                    VALUES (\(event.id), \(attempt.number), \(Self.ms(attempt.at)), \(attempt.url), \(attempt.httpStatus),
                        \(attempt.error), \(attempt.durationMs)))
                UPDATE webhook_events SET body = COALESCE(body, \(body)), state = \(state.rawValue),
                    attempt_count = \(attempt.number), next_attempt_at = \(next.map(Self.ms))
                WHERE id = \(event.id)
                """, on: connection)
        }
    }

    /// One statement (one snapshot): every event of the transaction joined with its attempts.
    func webhooks(transactionId: String) async throws -> [WebhookEvent] {
        try await withConnection { connection in
            let rows = try await self.rows(
                """
                SELECT e.id, e.merchant_id, e.transaction_id, e.kind, e.type, e.url, e.body, e.state, e.attempt_count,
                    e.next_attempt_at, e.created_at, a.number AS attempt_number, a.at AS attempt_at, a.url AS attempt_url,
                    a.http_status AS attempt_http_status, a.error AS attempt_error, a.duration_ms AS attempt_duration_ms
                FROM webhook_events e LEFT JOIN webhook_attempts a ON a.event_id = e.id
                WHERE e.transaction_id = \(transactionId)
                ORDER BY e.created_at, e.id, a.number
                """, on: connection)
            var events: [WebhookEvent] = []
            for row in rows {
                let row = row.makeRandomAccess()
                let id: String = try row["id"].decode(String.self)
                if events.last?.id != id {
                    events.append(try Self.webhookEvent(row))
                }
                if let attempt = try Self.webhookAttempt(row) {
                    events[events.count - 1].attempts.append(attempt)
                }
            }
            return events
        }
    }
}
