import Foundation
import GRDB

/// The daily limit counters (限额限次) in SQLite. One slot per counter: SQLite writes one transaction at a time
/// (across processes too), so more slots would only cost reads; the protocol is `LimitBalancer`'s with one slot.
extension SQLitePaymentStore {
    /// Reserves every hold inside the caller's write transaction, in order; throws `LimitRefused` with the
    /// first that does not fit (the caller's savepoint then rolls back the holds reserved before it).
    static func reserve(_ holds: [LimitHold], _ db: Database) throws {
        for hold in holds {
            if let passed = try reserve(hold, db) {
                throw LimitRefused(refusal: hold.refusal(passed))
            }
        }
    }

    private static func reserve(_ hold: LimitHold, _ db: Database) throws -> LimitBalancer.Passed? {
        let capAmount = LimitHold.stored(hold.capAmount)
        let capCount = LimitHold.stored(hold.capCount)
        try db.cachedStatement(sql: """
                UPDATE limit_counters SET amount = amount + ?, count = count + 1
                WHERE limit_key = ? AND day = ? AND slot = 0 AND amount + ? <= amount_quota AND count + 1 <= count_quota
                    AND cap_amount = ? AND cap_count = ?
                """).execute(arguments: [hold.amount, hold.key, hold.day, hold.amount, capAmount, capCount])
        if db.changesCount == 1 { return nil }
        try db.cachedStatement(sql: """
                INSERT INTO limit_counters (limit_key, day, slot, amount, count, amount_quota, count_quota, cap_amount,
                    cap_count)
                VALUES (?, ?, 0, 0, 0, 0, 0, -2, -2) ON CONFLICT DO NOTHING
                """).execute(arguments: [hold.key, hold.day])
        let slots = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT slot, amount, count FROM limit_counters WHERE limit_key = ? AND day = ?"),
            arguments: [hold.key, hold.day]
        ).map { LimitBalancer.Slot(slot: $0["slot"], amount: $0["amount"], count: $0["count"]) }
        switch LimitBalancer.rebalance(slots, capAmount: hold.capAmount, capCount: hold.capCount, adding: hold.amount, at: 0) {
        case .failure(let passed):
            return passed
        case .success(let quotas):
            for quota in quotas {
                let added = quota.slot == 0
                try db.cachedStatement(sql: """
                        UPDATE limit_counters SET amount = amount + ?, count = count + ?, amount_quota = ?,
                            count_quota = ?, cap_amount = ?, cap_count = ?
                        WHERE limit_key = ? AND day = ? AND slot = ?
                        """).execute(arguments: [
                        added ? hold.amount : 0, added ? 1 : 0, quota.amountQuota, quota.countQuota, capAmount, capCount,
                        hold.key, hold.day, quota.slot,
                    ])
            }
            return nil
        }
    }

    /// Gives back what a payment reserved (its `limit_holds`), inside the caller's write transaction.
    static func release(paymentId: String, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT amount, limit_holds FROM payments WHERE id = ?"), arguments: [paymentId]),
            let text = row["limit_holds"] as String?
        else { return }
        let amount: Int64 = row["amount"]
        for counter in LimitHold.decode(text) {
            try db.cachedStatement(sql: """
                    UPDATE limit_counters SET amount = amount - ?, count = count - 1
                    WHERE limit_key = ? AND day = ? AND slot = ?
                    """).execute(arguments: [amount, counter.key, counter.day, counter.slot])
        }
    }

    func limitUsage(_ counters: [LimitCounter]) async throws -> [LimitCounter: LimitUsage] {
        try await pool.read { db in
            var usage: [LimitCounter: LimitUsage] = [:]
            for counter in counters {
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: """
                        SELECT COALESCE(SUM(amount), 0) AS amount, COALESCE(SUM(count), 0) AS count
                        FROM limit_counters WHERE limit_key = ? AND day = ?
                        """), arguments: [counter.key, counter.day])
                usage[counter] = LimitUsage(amount: row?["amount"] ?? 0, count: row?["count"] ?? 0)
            }
            return usage
        }
    }

    @discardableResult
    func purgeLimitCounters(before day: String) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM limit_counters WHERE day < ?", arguments: [day])
            return db.changesCount
        }
    }
}
