import Foundation
import Testing

@testable import GatewayHost

extension StorageTests {
    typealias Hold = LimitHold

    static func holds(amount: Int64, capAmount: Int64?, capCount: Int64?, day: String = "2026-11-19") -> [LimitHold] {
        [
            LimitHold(
                scope: .channel, channelId: "jiangnan", merchantId: nil, currency: "CNY", day: day, amount: amount,
                capAmount: capAmount, capCount: nil),
            LimitHold(
                scope: .merchantChannel, channelId: "jiangnan", merchantId: "m1", currency: "CNY", day: day,
                amount: amount, capAmount: nil, capCount: capCount),
        ].sorted { $0.key < $1.key }
    }

    @Test("daily caps: 400 concurrent payments from two stores never pass either cap, fill them to within one payment, and the counters equal the stored payments",
        arguments: StoreKind.allCases)
    func concurrentDailyCaps(kind: StoreKind) async throws {
        // 400 calls queue on two pools of 20 connections, most of them near a full cap: on a loaded machine the
        // last ones wait more than the default 30 s for a connection (what is tested is the caps, not latency).
        try await TestLedger.with(kind, connectionWait: .seconds(180)) { stores, _ async throws in
            let capAmount: Int64 = 1_000_000
            let capCount: Int64 = 150
            let amounts = (0..<400).map { Int64(1_000 + ($0 * 7_919) % 9_000) }  // 1,000…9,999, varied
            let results = try await withThrowingTaskGroup(of: (Int64, PaymentInsertResult).self) { group in
                for (index, amount) in amounts.enumerated() {
                    let store = stores[index % 2]
                    group.addTask {
                        let payment = F.payment(amount: amount)
                        let holds = Self.holds(amount: amount, capAmount: capAmount, capCount: capCount)
                        do {
                            return (amount, try await store.insertPayment(payment, checkAt: F.at(30), holds: holds))
                        } catch {
                            Issue.record("insert failed: \(String(reflecting: error).replacingOccurrences(of: "\n", with: " // "))")
                            throw error
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let accepted = results.filter { $0.1.inserted != nil }.map(\.0)
            let refused = results.filter { $0.1.refusal != nil }
            #expect(accepted.count + refused.count == amounts.count)
            let total = accepted.reduce(0, +)
            #expect(total <= capAmount, "amount cap passed: \(total)")
            #expect(Int64(accepted.count) <= capCount, "count cap passed: \(accepted.count)")
            // Within one payment: every refused payment really did not fit in what was left at the end.
            for (amount, result) in refused {
                #expect(total + amount > capAmount || Int64(accepted.count) + 1 > capCount, "\(amount) was refused but fits")
                let refusal = try #require(result.refusal)
                #expect(
                    (refusal.kind == .dailyAmount && refusal.scope == .channel && refusal.limit == capAmount)
                        || (refusal.kind == .dailyCount && refusal.scope == .merchantChannel && refusal.limit == capCount))
            }
            #expect(!refused.isEmpty, "the caps were never reached: the test proves nothing")
            let counters = Self.holds(amount: 1, capAmount: nil, capCount: nil).map(\.counter)
            let usage = try await stores[0].limitUsage(counters)
            for counter in counters {
                #expect(usage[counter] == LimitUsage(amount: total, count: Int64(accepted.count)), "\(counter.key)")
            }
        }
    }

    @Test("a decline releases its reservation at once, a pending one holds it until resolved, a success keeps it; nothing is stored for a refused payment",
        arguments: StoreKind.allCases)
    func releaseOnDecline(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let (a, b) = (stores[0], stores[1])
            let holds = Self.holds(amount: 400, capAmount: 1_000, capCount: 10)
            let counter = holds[0].counter
            let first = F.payment(amount: 400)
            let second = F.payment(amount: 400)
            #expect(try await a.insertPayment(first, checkAt: F.at(30), holds: holds).inserted != nil)
            #expect(try await b.insertPayment(second, checkAt: F.at(30), holds: holds).inserted != nil)
            let third = F.payment(amount: 400)
            let refusal = try #require(try await a.insertPayment(third, checkAt: F.at(30), holds: holds).refusal)
            #expect(refusal.kind == .dailyAmount && refusal.limit == 1_000)
            #expect(try await a.payment(id: third.id) == nil)
            #expect(try await a.transitions(transactionId: third.id).isEmpty)
            #expect(try await b.limitUsage([counter])[counter] == LimitUsage(amount: 800, count: 2))

            // Declined: released, and the refused payment now fits.
            _ = try await b.updatePayment(id: first.id, with: F.declined(at: F.at(1)), at: F.at(1))
            #expect(try await a.limitUsage([counter])[counter] == LimitUsage(amount: 400, count: 1))
            #expect(try await a.insertPayment(third, checkAt: F.at(30), holds: holds).inserted != nil)

            // Pending keeps it; a decline after it releases; a second decline (not allowed) releases nothing.
            _ = try await a.updatePayment(id: second.id, with: F.pending(at: F.at(2), nextCheckAt: F.at(5)), at: F.at(2))
            #expect(try await b.limitUsage([counter])[counter] == LimitUsage(amount: 800, count: 2))
            _ = try await b.updatePayment(id: second.id, with: F.declined(cause: "recovery query", at: F.at(6)), at: F.at(6))
            _ = try await a.updatePayment(id: second.id, with: F.declined(cause: "recovery query", at: F.at(7)), at: F.at(7))
            #expect(try await b.limitUsage([counter])[counter] == LimitUsage(amount: 400, count: 1))

            // A success keeps counting.
            _ = try await a.updatePayment(id: third.id, with: F.succeeded(at: F.at(8)), at: F.at(8))
            #expect(try await b.limitUsage([counter])[counter] == LimitUsage(amount: 400, count: 1))
        }
    }

    @Test("a cap changed in the config applies to the next payment; lowered below what is used, it refuses; another day starts at zero; old days are purged",
        arguments: StoreKind.allCases)
    func changedCaps(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let store = stores[0]
            for _ in 0..<3 {
                let holds = Self.holds(amount: 300, capAmount: 1_000, capCount: nil)
                #expect(try await store.insertPayment(F.payment(amount: 300), checkAt: F.at(30), holds: holds).inserted != nil)
            }
            let lowered = Self.holds(amount: 300, capAmount: 800, capCount: nil)
            #expect(try await store.insertPayment(F.payment(amount: 300), checkAt: F.at(30), holds: lowered).refusal != nil)
            let small = Self.holds(amount: 100, capAmount: 800, capCount: nil)
            #expect(try await store.insertPayment(F.payment(amount: 100), checkAt: F.at(30), holds: small).refusal != nil)
            let raised = Self.holds(amount: 300, capAmount: 2_000, capCount: nil)
            #expect(try await store.insertPayment(F.payment(amount: 300), checkAt: F.at(30), holds: raised).inserted != nil)
            // The counter counted every payment held on it, capped or not: a count cap set now sees all 4.
            let counted = Self.holds(amount: 300, capAmount: 2_000, capCount: 5)
            #expect(try await store.insertPayment(F.payment(amount: 300), checkAt: F.at(30), holds: counted).inserted != nil)
            #expect(try await store.insertPayment(F.payment(amount: 300), checkAt: F.at(30), holds: counted).refusal?.kind == .dailyCount)
            let tomorrow = Self.holds(amount: 900, capAmount: 1_000, capCount: nil, day: "2026-11-20")
            #expect(try await store.insertPayment(F.payment(amount: 900), checkAt: F.at(30), holds: tomorrow).inserted != nil)

            // Old days are forgotten, the kept ones stay (2 counters × the store's slots per day).
            let counters = [LimitCounter(key: tomorrow[0].key, day: "2026-11-19"), LimitCounter(key: tomorrow[0].key, day: "2026-11-20")]
            #expect(try await store.purgeLimitCounters(before: "2026-11-19") == 0)
            #expect(try await store.purgeLimitCounters(before: "2026-11-20") > 0)
            let usage = try await store.limitUsage(counters)
            #expect(usage[counters[0]] == LimitUsage(amount: 0, count: 0), "2026-11-19 is gone")
            #expect(usage[counters[1]] == LimitUsage(amount: 900, count: 1), "2026-11-20 stays")
        }
    }

    @Test("PostgreSQL: a payment whose counter has no free slot writes nothing in its one statement, then waits for one slot with room, not for all, and shares nothing out again")
    func waitsForOneSlot() async throws {
        try await TestLedger.with(.postgres, instances: 1) { stores, _ async throws in
            let store = try #require(stores.first as? PostgresPaymentStore)
            let first = F.payment(amount: 100)
            let holds = { (amount: Int64) in Self.holds(amount: amount, capAmount: 1_000_000, capCount: 1_000) }
            #expect(try await store.insertPayment(first, checkAt: F.at(30), holds: holds(100)).inserted != nil)
            let key = holds(1)[0].key
            func slots() async throws -> [String] {
                try await store.withConnection { connection in
                    try await store.rows(
                        """
                        SELECT limit_key, slot, amount_quota, count_quota, cap_amount, cap_count FROM limit_counters
                        ORDER BY limit_key, slot
                        """, on: connection
                    ).map { row in
                        let (key, slot, amountQuota, countQuota, capAmount, capCount) =
                            try row.decode((String, Int, Int64, Int64, Int64, Int64).self)
                        return "\(key)#\(slot) \(amountQuota)/\(countQuota) caps \(capAmount)/\(capCount)"
                    }
                }
            }
            let shares = try await slots()
            #expect(shares.count == 2 * store.configuration.limitSlots)

            // Another transaction holds every slot of the first counter.
            let (locked, lockedSignal) = AsyncStream<Int>.makeStream()
            let (release, releaseSignal) = AsyncStream<Void>.makeStream()
            let locker = Task {
                try await store.withConnection { connection in
                    try await store.execute("BEGIN", on: connection)
                    let count = try await store.rows(
                        "SELECT slot FROM limit_counters WHERE limit_key = \(key) FOR NO KEY UPDATE", on: connection
                    ).count
                    lockedSignal.yield(count)
                    for await _ in release { break }
                    try await store.execute("COMMIT", on: connection)
                }
            }
            var lockedSlots = 0
            for await count in locked {
                lockedSlots = count
                break
            }
            #expect(lockedSlots == shares.count / 2)

            // With a nonce: had the one statement written it before missing, the transaction would find a replay.
            let second = F.payment(amount: 200)
            let nonce = MerchantNonce(merchantId: "m1", value: "n-waits", seenAt: F.at(1))
            let secondHolds = holds(200)
            let inserting = Task { try await store.insertPayment(second, checkAt: F.at(30), holds: secondHolds, nonce: nonce) }
            var waiting: [String] = []
            for _ in 0..<200 where waiting.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                waiting = try await store.withConnection { connection in
                    try await store.rows(
                        """
                        SELECT query FROM pg_stat_activity
                        WHERE datname = current_database() AND wait_event_type = 'Lock'
                        """, on: connection
                    ).map { try $0.decode(String.self) }
                }
            }
            let statement = try #require(waiting.first, "the payment never waited for a lock").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(waiting.count == 1)
            // The wait of one slot (an UPDATE of the row with room), not the slow path's lock of every slot.
            #expect(statement.hasPrefix("UPDATE limit_counters AS c SET amount"), "\(statement)")
            #expect(!statement.contains("FOR UPDATE"), "\(statement)")

            releaseSignal.yield()
            try await locker.value
            guard case .inserted = try await inserting.value else {
                Issue.record("the waiting payment was not inserted")
                return
            }
            #expect(nonce.isRecorded)
            #expect(try await store.transitions(transactionId: second.id).map(\.cause) == ["accepted"])
            #expect(try await slots() == shares, "the slots' shares were shared out again: the slow path ran")
            let counters = holds(1).map(\.counter)
            let usage = try await store.limitUsage(counters)
            for counter in counters {
                #expect(usage[counter] == LimitUsage(amount: 300, count: 2), "\(counter.key)")
            }
        }
    }
}

@Suite("Limits: the slot balancer and business days")
struct LimitUnitTests {
    @Test("rebalancing shares out exactly what is left, the chosen slot gets the payment, a payment that does not fit is refused")
    func rebalance() throws {
        let slots = (0..<4).map { LimitBalancer.Slot(slot: $0, amount: Int64($0) * 100, count: Int64($0)) }  // 600, 6
        let quotas = try LimitBalancer.rebalance(slots, capAmount: 1_000, capCount: 20, adding: 50, at: 2).get()
        #expect(quotas.reduce(0) { $0 + $1.amountQuota } == 1_000)
        #expect(quotas.reduce(0) { $0 + $1.countQuota } == 20)
        for (slot, quota) in zip(slots, quotas) {
            #expect(quota.amountQuota >= slot.amount + (slot.slot == 2 ? 50 : 0))
            #expect(quota.countQuota >= slot.count + (slot.slot == 2 ? 1 : 0))
        }
        #expect(LimitBalancer.rebalance(slots, capAmount: 1_000, capCount: 20, adding: 401, at: 0) == .failure(.amount))
        #expect(LimitBalancer.rebalance(slots, capAmount: 1_000, capCount: 6, adding: 1, at: 0) == .failure(.count))
        #expect(try LimitBalancer.rebalance(slots, capAmount: 1_000, capCount: 7, adding: 400, at: 0).get().count == 4)
        let uncapped = try LimitBalancer.rebalance(slots, capAmount: nil, capCount: 7, adding: 1_000_000, at: 0).get()
        #expect(uncapped.allSatisfy { $0.amountQuota == LimitHold.unlimited })
    }

    @Test("business days match Foundation's calendar in several time zones, across DST and before 1970")
    func businessDays() {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        for zone in ["UTC", "Asia/Shanghai", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago"] {
            formatter.timeZone = TimeZone(identifier: zone)
            var time: Double = -90_000_000
            while time < 2_000_000_000 {
                let date = Date(timeIntervalSince1970: time)
                #expect(BusinessDay.string(date, timeZone: zone) == formatter.string(from: date), "\(zone) \(time)")
                time += 3_599_997.5
            }
        }
    }

    @Test("holds are stored and read back; ids cannot break the form")
    func holdsRoundTrip() {
        var hold = LimitHold(
            scope: .merchantChannel, channelId: "jiangnan", merchantId: "m_1-x", currency: "CNY", day: "2026-12-01",
            amount: 5, capAmount: 10, capCount: nil)
        hold.slot = 7
        let text = LimitHold.encode([hold, hold])
        #expect(text == "merchant_channel:m_1-x:jiangnan:CNY|2026-12-01|7;merchant_channel:m_1-x:jiangnan:CNY|2026-12-01|7")
        #expect(LimitHold.decode(text).map(\.slot) == [7, 7])
        #expect(LimitHold.decode(nil).isEmpty && LimitHold.encode([]) == nil)
    }
}
