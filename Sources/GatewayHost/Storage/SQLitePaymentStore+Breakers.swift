import Foundation
import GRDB

/// Forced circuit breaker states in SQLite (`SQLiteMigrations.v8`).
extension SQLitePaymentStore {
    func breakerOverrides() async throws -> [String: ChannelBreakers.Override] {
        try await pool.read { db in
            var overrides: [String: ChannelBreakers.Override] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM channel_breakers")) {
                guard let forced = ChannelBreakers.Forced(rawValue: row["forced"]) else { continue }
                overrides[row["channel_id"]] = ChannelBreakers.Override(
                    forced: forced, by: row["set_by"], reason: row["reason"], at: Self.date(row["set_at"]))
            }
            return overrides
        }
    }

    func setBreakerOverride(channelId: String, _ override: ChannelBreakers.Override?) async throws {
        try await writer.write { db in
            guard let override else {
                try db.cachedStatement(sql: "DELETE FROM channel_breakers WHERE channel_id = ?").execute(arguments: [channelId])
                return
            }
            try db.cachedStatement(sql: """
                    INSERT INTO channel_breakers (channel_id, forced, set_by, reason, set_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (channel_id) DO UPDATE SET forced = excluded.forced, set_by = excluded.set_by,
                        reason = excluded.reason, set_at = excluded.set_at
                    """).execute(arguments: [
                    channelId, override.forced.rawValue, override.by, override.reason, Self.ms(override.at),
                ])
        }
    }
}
