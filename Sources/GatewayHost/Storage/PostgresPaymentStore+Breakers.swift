import Foundation
import PostgresNIO

/// Forced circuit breaker states in PostgreSQL (`PostgresMigrations.v8`).
extension PostgresPaymentStore {
    func breakerOverrides() async throws -> [String: ChannelBreakers.Override] {
        try await withConnection { connection in
            var overrides: [String: ChannelBreakers.Override] = [:]
            for row in try await self.rows("SELECT channel_id, forced, set_by, reason, set_at FROM channel_breakers", on: connection) {
                let (channel, forced, by, reason, at) = try row.decode((String, String, String, String?, Int64).self)
                guard let state = ChannelBreakers.Forced(rawValue: forced) else { continue }
                overrides[channel] = ChannelBreakers.Override(forced: state, by: by, reason: reason, at: Self.date(at))
            }
            return overrides
        }
    }

    func setBreakerOverride(channelId: String, _ override: ChannelBreakers.Override?) async throws {
        try await withConnection(writing: "setBreakerOverride") { connection in
            guard let override else {
                try await self.execute("DELETE FROM channel_breakers WHERE channel_id = \(channelId)", on: connection)
                return
            }
            try await self.execute(
                """
                INSERT INTO channel_breakers (channel_id, forced, set_by, reason, set_at)
                VALUES (\(channelId), \(override.forced.rawValue), \(override.by), \(override.reason), \(Self.ms(override.at)))
                ON CONFLICT (channel_id) DO UPDATE SET forced = excluded.forced, set_by = excluded.set_by,
                    reason = excluded.reason, set_at = excluded.set_at
                """, on: connection)
        }
    }
}
