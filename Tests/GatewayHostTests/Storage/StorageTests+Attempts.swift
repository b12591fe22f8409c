import ChannelKit
import Foundation
import Testing

@testable import GatewayHost

extension StorageTests {
    static func channelHold(_ channel: String, amount: Int64, capCount: Int64) -> LimitHold {
        LimitHold(
            scope: .channel, channelId: channel, merchantId: nil, currency: "CNY", day: "2026-11-19", amount: amount,
            capAmount: nil, capCount: capCount)
    }

    static func notSent(at now: Date) -> OutcomeUpdate {
        OutcomeUpdate(.notSent("connection refused", code: "not_sent"), cause: "failover", now: now)
    }

    @Test("failover: the attempt ends declined with its own id, the next one starts on another channel with a new id and its limits, atomically and only once",
        arguments: StoreKind.allCases)
    func failover(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let (a, b) = (stores[0], stores[1])
            let payment = F.payment(amount: 700)
            let aHold = Self.channelHold("jiangnan", amount: 700, capCount: 5)
            #expect(try await a.insertPayment(payment, checkAt: F.at(30), holds: [aHold]).inserted != nil)
            #expect(try await a.payment(transactionId: payment.id)?.id == payment.id)

            // The next channel has no room: nothing changes.
            let full = Self.channelHold("other", amount: 700, capCount: 1)
            #expect(try await a.insertPayment(F.payment(amount: 700), checkAt: F.at(30), holds: [full]).inserted != nil)
            var failover = Failover(
                paymentId: payment.id, fromTransactionId: payment.id, outcome: Self.notSent(at: F.at(1)),
                reason: "attempt 1 on jiangnan not_sent: trying other", nextAttemptId: "pat_second", nextChannelId: "other",
                holds: [full], checkAt: F.at(50))
            guard case .limitExceeded(let refusal) = try await b.failoverPayment(failover, at: F.at(1)) else {
                Issue.record("a full next channel was taken")
                return
            }
            #expect(refusal.kind == .dailyCount && refusal.channelId == "other")
            #expect(try await a.payment(id: payment.id)?.channelId == "jiangnan")
            #expect(try await a.attempts(paymentId: payment.id).isEmpty)
            #expect(try await a.limitUsage([aHold.counter])[aHold.counter] == LimitUsage(amount: 700, count: 1))

            // Room on the next channel: moved.
            let bHold = Self.channelHold("other-b", amount: 700, capCount: 5)
            failover.nextChannelId = "other-b"
            failover.holds = [bHold]
            guard case .moved(let moved) = try await b.failoverPayment(failover, at: F.at(1)) else {
                Issue.record("not moved")
                return
            }
            #expect(moved.status == .processing && moved.channelId == "other-b")
            #expect(moved.transactionId == "pat_second" && moved.attemptNumber == 2)
            #expect(try await a.payment(id: payment.id) == moved)
            let attempts = try await a.attempts(paymentId: payment.id)
            #expect(attempts.count == 1)
            #expect(attempts.first?.id == payment.id && attempts.first?.channelId == "jiangnan" && attempts.first?.number == 1)
            #expect(attempts.first?.outcomeReason == "not_sent" && attempts.first?.nextReason == failover.reason)
            #expect(attempts.first?.createdAt == payment.createdAt && attempts.first?.finishedAt == F.at(1))
            #expect(try await a.limitUsage([aHold.counter])[aHold.counter] == LimitUsage(amount: 0, count: 0))
            #expect(try await a.limitUsage([bHold.counter])[bHold.counter] == LimitUsage(amount: 700, count: 1))
            // Found by its current attempt's id only.
            #expect(try await b.payment(transactionId: "pat_second")?.id == payment.id)
            #expect(try await b.payment(transactionId: payment.id) == nil)
            // The audit trail says why.
            let trail = try await a.transitions(transactionId: payment.id)
            #expect(trail.last?.from == .processing && trail.last?.to == .processing && trail.last?.cause == "failover")
            #expect(trail.last?.bankMessage == failover.reason && trail.last?.outcomeReason == "not_sent")
            // Recovery asks the new channel for the new id, counting its window from the attempt's start.
            let due = try await a.dueChecks(now: F.at(60), limit: 10).first { $0.id == payment.id }
            #expect(due?.transactionId == "pat_second" && due?.channelId == "other-b" && due?.createdAt == F.at(1))

            // The same failover again (a stale copy): nothing happens.
            guard case .notCurrent = try await a.failoverPayment(failover, at: F.at(2)) else {
                Issue.record("a stale failover moved the payment again")
                return
            }
            #expect(try await a.attempts(paymentId: payment.id).count == 1)

            // Reconciliation sees both attempts, each as a transaction of its own channel under its own id.
            let window = F.ms(F.t0) - 1000..<F.ms(F.at(3600))
            var first = try await a.reconciliationLedger(channelId: "jiangnan", window: window, expectedRows: nil)
            first.buildIndex()
            #expect(first.contains(id: payment.id))
            var second = try await b.reconciliationLedger(channelId: "other-b", window: window, expectedRows: nil)
            second.buildIndex()
            #expect(second.contains(id: "pat_second") && !second.contains(id: payment.id))
            let found = try await a.reconciliationLookup(channelId: "other-b", ids: ["pat_second", payment.id])
            #expect(Set(found.keys) == ["pat_second"])
            let foundFirst = try await a.reconciliationLookup(channelId: "jiangnan", ids: [payment.id])
            #expect(foundFirst[payment.id]?.status == .notProcessed)

            // The answer of the new attempt settles the payment; its decline would release the new channel's hold.
            let done = try await b.updatePayment(id: payment.id, with: F.declined(at: F.at(3)), at: F.at(3))
            #expect(done?.status == .declined && done?.channelId == "other-b")
            #expect(try await a.limitUsage([bHold.counter])[bHold.counter] == LimitUsage(amount: 0, count: 0))
        }
    }
}
