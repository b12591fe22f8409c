import ChannelKit
import Foundation
import PostgresNIO

/// The daily limit counters (限额限次) in PostgreSQL: each counter is `limitSlots` rows, and a payment reserves
/// in one of them that has room and that no other transaction holds — every counter of the payment in one
/// statement, which also writes its first transition, so that limits add no round trip to a new payment; only
/// when a counter has no such slot (or on a new day, or after a cap changed) does it take the slow path that
/// locks that counter's rows and shares out what is left (`LimitBalancer`). Row locks are taken counter by counter in key order, and always
/// after the payment's own row (the all-at-once fast path waits for no lock; when it misses, the insert starts
/// again counter by counter). One case can still deadlock: a slot picked by the fast path that another
/// transaction changed a moment before stays locked by the pick even though it no longer has room, and the
/// slow path then locks the others in slot order; PostgreSQL detects it and the insert is retried
/// (`insertPayment`).
extension PostgresPaymentStore {
    /// Reserves every hold of a new payment inside the caller's transaction and records the payment's first
    /// transition with its holds; throws `LimitRefused` with the first hold that does not fit (the caller's
    /// transaction then rolls back).
    ///
    /// `allAtOnce`: one statement picks a slot for every hold on the fast path, adds the payment to them and
    /// writes the transition and the payment's `limit_holds` — limits then add no round trip to a new payment.
    /// Holds that found no slot there and come after every picked one take the slow path next, in the same
    /// transaction. A hold that found none before one that did throws `FastPathMissed`: the caller rolls back
    /// (a pick is held out of key order, and the slow path waits for locks) and inserts again without
    /// `allAtOnce`, taking the counters one by one in key order, each by the fast path or else the slow one.
    func reserve(
        _ holds: [LimitHold], slots: Int, for payment: PaymentRecord, allAtOnce: Bool, on connection: PostgresConnection
    ) async throws {
        guard !holds.isEmpty else {
            try await recordTransition(
                id: payment.id, kind: .payment, from: .created, to: payment.status, cause: "accepted",
                bankCode: nil, bankMessage: nil, at: payment.createdAt, on: connection)
            return
        }
        let reserved: [LimitHold]
        if allAtOnce {
            let picked = try await reserveFast(holds, slots: slots, recording: payment, on: connection)
            if picked.count == holds.count { return }
            try await refuseIfFull(holds.indices.filter { picked[$0] == nil }.map { holds[$0] }, on: connection)
            // The picks are reserved already. When the holds that found no slot come after every one that did
            // (in key order), the slow path takes them now, in order, as the counter-by-counter insert would;
            // otherwise a pick is held out of key order: start again.
            let firstMiss = holds.indices.first { picked[$0] == nil } ?? holds.count
            guard !holds.indices.contains(where: { $0 > firstMiss && picked[$0] != nil }) else { throw FastPathMissed() }
            var taken: [LimitHold] = []
            for (index, var hold) in holds.enumerated() {
                if let slot = picked[index] {
                    hold.slot = slot
                } else {
                    switch try await reserveSlow(hold, slots: slots, on: connection) {
                    case .success(let slot): hold.slot = slot
                    case .failure(let passed): throw LimitRefused(refusal: hold.refusal(passed))
                    }
                }
                taken.append(hold)
            }
            reserved = taken
        } else {
            reserved = try await reserve(holds, slots: slots, on: connection)
        }
        try await recordTransition(
            id: payment.id, kind: .payment, from: .created, to: payment.status, cause: "accepted", bankCode: nil,
            bankMessage: nil, at: payment.createdAt, limitHolds: (payment.id, LimitHold.encode(reserved)),
            on: connection)
    }

    /// A hold found no slot on the all-at-once fast path: the transaction is rolled back and done one by one.
    struct FastPathMissed: Error {}

    /// Reserves every hold inside the caller's transaction, counter by counter in the holds' (key) order, and
    /// returns them with the slot each went to; throws `LimitRefused` with the first that does not fit.
    func reserve(_ holds: [LimitHold], slots: Int, on connection: PostgresConnection) async throws -> [LimitHold] {
        try await refuseIfFull(holds, on: connection)
        var reserved: [LimitHold] = []
        for var hold in holds {
            if let slot = try await reserveFast([hold], slots: slots, recording: nil, on: connection)[0] {
                hold.slot = slot
            } else {
                switch try await reserveSlow(hold, slots: slots, on: connection) {
                case .success(let slot): hold.slot = slot
                case .failure(let passed): throw LimitRefused(refusal: hold.refusal(passed))
                }
            }
            reserved.append(hold)
        }
        return reserved
    }

    /// The fast path of every hold in one statement: for each, a slot with room that no other transaction
    /// holds (`SKIP LOCKED`, starting at a random slot, so concurrent payments spread over the slots without
    /// waiting), updated; when every hold got one, the payment's transition and `limit_holds` (the form of
    /// `LimitHold.encode`) in the same statement, if `payment` is given. Returns the slot of each hold that got
    /// one, by index.
    private func reserveFast(
        _ holds: [LimitHold], slots: Int, recording payment: PaymentRecord?, on connection: PostgresConnection
    ) async throws -> [Int: Int] {
        let keys = holds.map(\.key)
        let days = holds.map(\.day)
        let amounts = holds.map(\.amount)
        let capAmounts = holds.map { LimitHold.stored($0.capAmount) }
        let capCounts = holds.map { LimitHold.stored($0.capCount) }
        let starts = holds.map { _ in Int64.random(in: 0..<Int64(slots)) }
        // Without a payment to record, the last two statements write nothing.
        let complete = payment == nil ? -1 : Int64(holds.count)
        let taken = try await rows(
            """
            WITH w AS (
                SELECT * FROM unnest(\(keys)::TEXT[], \(days)::TEXT[], \(amounts)::BIGINT[], \(capAmounts)::BIGINT[],
                    \(capCounts)::BIGINT[], \(starts)::BIGINT[])
                    WITH ORDINALITY AS w(key, day, amount, cap_amount, cap_count, start, ord)),
            pick AS (
                SELECT w.ord, p.slot FROM w CROSS JOIN LATERAL (
                    SELECT c.slot FROM limit_counters AS c
                    WHERE c.limit_key = w.key AND c.day = w.day
                        AND c.amount + w.amount <= c.amount_quota AND c.count + 1 <= c.count_quota
                        AND c.cap_amount = w.cap_amount AND c.cap_count = w.cap_count
                    ORDER BY (c.slot + \(Int64(slots)) - w.start) % \(Int64(slots))
                    LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED) AS p),
            upd AS (
                UPDATE limit_counters AS c SET amount = c.amount + w.amount, count = c.count + 1
                FROM pick JOIN w ON w.ord = pick.ord
                WHERE c.limit_key = w.key AND c.day = w.day AND c.slot = pick.slot
                RETURNING pick.ord, c.slot),
            t AS (
                INSERT INTO transitions (transaction_id, kind, from_status, to_status, cause, at)
                SELECT \(payment?.id), \(TransactionKind.payment.rawValue), \(TransactionStatus.created.rawValue),
                    \(payment?.status.rawValue), 'accepted', \(payment.map { Self.ms($0.createdAt) })
                WHERE (SELECT count(*) FROM upd) = \(complete)),
            h AS (
                UPDATE payments SET limit_holds = (
                    SELECT string_agg(w.key || '|' || w.day || '|' || upd.slot, ';' ORDER BY w.ord)
                    FROM upd JOIN w ON w.ord = upd.ord)
                WHERE id = \(payment?.id) AND (SELECT count(*) FROM upd) = \(complete))
            SELECT ord, slot FROM upd
            """, on: connection)
        var picked: [Int: Int] = [:]
        for row in taken {
            let (ord, slot) = try row.decode((Int64, Int).self)
            picked[Int(ord) - 1] = slot
        }
        return picked
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
    private func reserveSlow(_ hold: LimitHold, slots: Int, on connection: PostgresConnection) async throws
        -> Result<Int, LimitBalancer.Passed>
    {
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
