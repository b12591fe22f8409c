import Foundation
import PostgresNIO

/// The daily limit counters (限额限次) in PostgreSQL: each counter is `limitSlots` rows, and a payment reserves
/// in one of them that has room and that no other transaction holds, with one statement; only when there is
/// none (or on a new day, or after a cap changed) does it take the slow path that locks the counter's rows and
/// shares out what is left (`LimitBalancer`). Row locks are taken counter by counter in key order, and always
/// after the payment's own row. One case can still deadlock: a slot picked by the fast path that another
/// transaction changed a moment before stays locked by the pick even though it no longer has room, and the
/// slow path then locks the others in slot order; PostgreSQL detects it and the insert is retried
/// (`insertPayment`).
extension PostgresPaymentStore {
    /// Reserves every hold inside the caller's transaction and returns them with the slot each went to; throws
    /// `LimitRefused` with the first that does not fit (the caller's transaction then rolls back).
    func reserve(_ holds: [LimitHold], slots: Int, on connection: PostgresConnection) async throws -> [LimitHold] {
        var reserved: [LimitHold] = []
        for var hold in holds {
            switch try await reserve(hold, slots: slots, on: connection) {
            case .success(let slot):
                hold.slot = slot
                reserved.append(hold)
            case .failure(let passed):
                throw LimitRefused(refusal: hold.refusal(passed))
            }
        }
        return reserved
    }

    /// The fast path takes a slot with room that no other transaction holds (`SKIP LOCKED`, starting at a random
    /// slot), so concurrent payments spread over the slots without waiting; the slow path (no free slot with
    /// room, a new day, a changed cap) locks the counter's slots in slot order and shares out what is left.
    private func reserve(_ hold: LimitHold, slots: Int, on connection: PostgresConnection) async throws
        -> Result<Int, LimitBalancer.Passed>
    {
        let capAmount = LimitHold.stored(hold.capAmount)
        let capCount = LimitHold.stored(hold.capCount)
        let start = Int.random(in: 0..<slots)
        let taken = try await rows(
            """
            WITH pick AS (
                SELECT slot FROM limit_counters
                WHERE limit_key = \(hold.key) AND day = \(hold.day)
                    AND amount + \(hold.amount) <= amount_quota AND count + 1 <= count_quota
                    AND cap_amount = \(capAmount) AND cap_count = \(capCount)
                ORDER BY (slot + \(slots) - \(start)) % \(slots)
                LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED)
            UPDATE limit_counters AS c SET amount = c.amount + \(hold.amount), count = c.count + 1
            FROM pick WHERE c.limit_key = \(hold.key) AND c.day = \(hold.day) AND c.slot = pick.slot
            RETURNING c.slot
            """, on: connection)
        if let row = taken.first { return .success(try row.decode(Int.self)) }
        try await execute(
            """
            INSERT INTO limit_counters (limit_key, day, slot, amount, count, amount_quota, count_quota, cap_amount,
                cap_count)
            SELECT \(hold.key), \(hold.day), s, 0, 0, 0, 0, -2, -2 FROM generate_series(0, \(slots - 1)) AS s
            ON CONFLICT DO NOTHING
            """, on: connection)
        let current = try await rows(
            """
            SELECT slot, amount, count FROM limit_counters WHERE limit_key = \(hold.key) AND day = \(hold.day)
            ORDER BY slot FOR UPDATE
            """, on: connection
        ).map { row in
            let (slot, amount, count) = try row.decode((Int, Int64, Int64).self)
            return LimitBalancer.Slot(slot: slot, amount: amount, count: count)
        }
        let chosen = current.contains { $0.slot == start } ? start : current.first?.slot ?? 0
        switch LimitBalancer.rebalance(
            current, capAmount: hold.capAmount, capCount: hold.capCount, adding: hold.amount, at: chosen)
        {
        case .failure(let passed):
            return .failure(passed)
        case .success(let quotas):
            try await execute(
                """
                UPDATE limit_counters AS c SET amount_quota = q.amount_quota, count_quota = q.count_quota,
                    cap_amount = \(capAmount), cap_count = \(capCount),
                    amount = c.amount + CASE WHEN c.slot = \(chosen) THEN \(hold.amount) ELSE 0 END,
                    count = c.count + CASE WHEN c.slot = \(chosen) THEN 1 ELSE 0 END
                FROM unnest(\(quotas.map { Int64($0.slot) })::BIGINT[], \(quotas.map(\.amountQuota))::BIGINT[],
                    \(quotas.map(\.countQuota))::BIGINT[]) AS q(slot, amount_quota, count_quota)
                WHERE c.limit_key = \(hold.key) AND c.day = \(hold.day) AND c.slot = q.slot
                """, on: connection)
            return .success(chosen)
        }
    }

    /// Gives back what a payment reserved (its `limit_holds`), inside the caller's transaction.
    func release(paymentId: String, on connection: PostgresConnection) async throws {
        guard let row = try await rows("SELECT amount, limit_holds FROM payments WHERE id = \(paymentId)", on: connection).first
        else { return }
        let (amount, text) = try row.decode((Int64, String?).self)
        for counter in LimitHold.decode(text) {
            try await execute(
                """
                UPDATE limit_counters SET amount = amount - \(amount), count = count - 1
                WHERE limit_key = \(counter.key) AND day = \(counter.day) AND slot = \(counter.slot)
                """, on: connection)
        }
    }

    func limitUsage(_ counters: [LimitCounter]) async throws -> [LimitCounter: LimitUsage] {
        try await withConnection { connection in
            var usage: [LimitCounter: LimitUsage] = [:]
            for counter in counters {
                let row = try await self.rows(
                    """
                    SELECT COALESCE(SUM(amount), 0)::BIGINT, COALESCE(SUM(count), 0)::BIGINT FROM limit_counters
                    WHERE limit_key = \(counter.key) AND day = \(counter.day)
                    """, on: connection
                ).first
                if let row {
                    let (amount, count) = try row.decode((Int64, Int64).self)
                    usage[counter] = LimitUsage(amount: amount, count: count)
                } else {
                    usage[counter] = LimitUsage(amount: 0, count: 0)
                }
            }
            return usage
        }
    }
}
