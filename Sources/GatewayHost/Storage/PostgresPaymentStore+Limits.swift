import ChannelKit
import Foundation
import PostgresNIO

/// The daily limit counters (限额限次) in PostgreSQL: each counter is `limitSlots` rows, and a payment reserves
/// in one of them that has room (`LimitBalancer`).
///
/// A new payment first tries everything in **one statement** (`insertNonceAndPayment`, no BEGIN/COMMIT): a free
/// slot with room for each of its counters (`SKIP LOCKED`, so it waits for no other payment), and only when each
/// found one, its nonce, its row, the counters and its first transition. When a counter has no free slot with
/// room, that statement writes nothing and the insert runs as a transaction instead (`reserve`): the row first,
/// then counter by counter in key order a free slot, else a slot with room that another payment holds (waiting
/// for that one row only), else the slow path that locks the counter's slots and shares out what is left.
/// The statement holds its slots only while it runs and commits, so concurrent payments rarely find every slot
/// of a counter taken; before, a transaction held them across its round trips, and every miss took the slow
/// path, which locks all slots, so the misses that followed took it too: a convoy.
///
/// Row locks are taken counter by counter in key order, and always after the payment's own row, with two
/// exceptions, each detected by PostgreSQL and retried by `insertPayment` (nothing of the failed try is stored):
/// the one statement holds its slots while its row insert waits for a concurrent copy of the same request; and
/// a slot a pick found changed a moment before stays locked by the pick even though it no longer has room.
extension PostgresPaymentStore {
    /// Reserves every hold inside the caller's transaction, counter by counter in the holds' (key) order, and
    /// returns them with the slot each went to; throws `LimitRefused` with the first that does not fit (the
    /// caller's transaction then rolls back). Each counter: a free slot with room; else a slot with room that
    /// another transaction holds, waiting for it alone; else the slow path.
    func reserve(_ holds: [LimitHold], on connection: PostgresConnection) async throws -> [LimitHold] {
        try await refuseIfFull(holds, on: connection)
        var reserved: [LimitHold] = []
        for var hold in holds {
            if let slot = try await reserveSlot(hold, waiting: false, on: connection) {
                hold.slot = slot
            } else if let slot = try await reserveSlot(hold, waiting: true, on: connection) {
                hold.slot = slot
            } else {
                switch try await reserveSlow(hold, on: connection) {
                case .success(let slot): hold.slot = slot
                case .failure(let passed): throw LimitRefused(refusal: hold.refusal(passed))
                }
            }
            reserved.append(hold)
        }
        return reserved
    }

    /// The slots of each counter (`Configuration.limitSlots`, at least one).
    var slotsPerCounter: Int { max(1, configuration.limitSlots) }

    /// A slot of the hold's counter with room (from a random slot), with the payment added; nil when there is
    /// none. `waiting: false`: only a slot no other transaction holds (`SKIP LOCKED`). `waiting: true`: a slot
    /// that had room when the statement began, added to once its holder commits and only if it still has room
    /// then (PostgreSQL re-checks the UPDATE's condition on the row it waited for).
    private func reserveSlot(_ hold: LimitHold, waiting: Bool, on connection: PostgresConnection) async throws -> Int? {
        let slots = Int64(slotsPerCounter)
        let start = Int64.random(in: 0..<slots)
        let capAmount = LimitHold.stored(hold.capAmount)
        let capCount = LimitHold.stored(hold.capCount)
        return try await rows(
            """
            UPDATE limit_counters AS c SET amount = c.amount + \(hold.amount), count = c.count + 1
            WHERE c.limit_key = \(hold.key) AND c.day = \(hold.day)
                AND c.amount + \(hold.amount) <= c.amount_quota AND c.count + 1 <= c.count_quota
                AND c.cap_amount = \(capAmount) AND c.cap_count = \(capCount)
                AND c.slot = (
                    SELECT slot FROM limit_counters
                    WHERE limit_key = \(hold.key) AND day = \(hold.day)
                        AND amount + \(hold.amount) <= amount_quota AND count + 1 <= count_quota
                        AND cap_amount = \(capAmount) AND cap_count = \(capCount)
                    ORDER BY (slot + \(slots) - \(start)) % \(slots)
                    LIMIT 1 \(unescaped: waiting ? "" : "FOR NO KEY UPDATE SKIP LOCKED"))
            RETURNING c.slot
            """, on: connection
        ).first?.decode(Int.self)
    }

    /// Throws `LimitRefused` for the first of `holds` whose cap is already full in what is committed, without
    /// taking a lock (one statement for all): committed use falls only by a release not yet committed, so this
    /// is the answer the locked count would have given a moment earlier. A storm of payments against a full cap
    /// then does not queue on the counters' locks — nor lock another counter's slots before finding out.
    private func refuseIfFull(_ holds: [LimitHold], on connection: PostgresConnection) async throws {
        let capped = holds.filter { $0.capAmount != nil || $0.capCount != nil }
        guard !capped.isEmpty else { return }
        var used: [String: (amount: Int64, count: Int64)] = [:]
        for row in try await rows(
            """
            SELECT c.limit_key, c.day, COALESCE(SUM(c.amount), 0)::BIGINT, COALESCE(SUM(c.count), 0)::BIGINT
            FROM limit_counters AS c
            JOIN unnest(\(capped.map(\.key))::TEXT[], \(capped.map(\.day))::TEXT[]) AS w(key, day)
                ON c.limit_key = w.key AND c.day = w.day
            GROUP BY c.limit_key, c.day
            """, on: connection)
        {
            let (key, day, amount, count) = try row.decode((String, String, Int64, Int64).self)
            used[key + "|" + day] = (amount, count)
        }
        for hold in capped {
            guard let (amount, count) = used[hold.key + "|" + hold.day] else { continue }
            if let cap = hold.capCount, count + 1 > cap { throw LimitRefused(refusal: hold.refusal(.count)) }
            if let cap = hold.capAmount, amount + hold.amount > cap { throw LimitRefused(refusal: hold.refusal(.amount)) }
        }
    }

    /// The slow path (no free slot with room, a new day, a changed cap): locks the counter's slots in slot
    /// order and shares out what is left (`LimitBalancer`).
    private func reserveSlow(_ hold: LimitHold, on connection: PostgresConnection) async throws
        -> Result<Int, LimitBalancer.Passed>
    {
        let slots = slotsPerCounter
        let capAmount = LimitHold.stored(hold.capAmount)
        let capCount = LimitHold.stored(hold.capCount)
        let start = Int.random(in: 0..<slots)
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

    @discardableResult
    func purgeLimitCounters(before day: String) async throws -> Int {
        try await withConnection(writing: "purgeLimitCounters") { connection in
            try await self.rows("DELETE FROM limit_counters WHERE day < \(day) RETURNING 1", on: connection).count
        }
    }
}
