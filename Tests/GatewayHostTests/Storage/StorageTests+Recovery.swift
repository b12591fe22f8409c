import ChannelKit
import Foundation
import Testing

@testable import GatewayHost

extension StorageTests {
    @Test("recovery: due checks, one claim of two wins, reschedule, open counts", arguments: StoreKind.allCases)
    func recoveryChecks(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let (a, b) = (stores[0], stores[1])
            let first = F.payment(createdAt: F.t0)
            let second = F.payment(createdAt: F.at(10))
            let paid = F.payment(amount: 5000, createdAt: F.t0)
            _ = try await a.insertPayment(first, checkAt: F.at(30))
            _ = try await b.insertPayment(second, checkAt: F.at(60))
            _ = try await a.insertPayment(paid, checkAt: F.at(20))
            _ = try await b.updatePayment(id: paid.id, with: F.succeeded(at: F.at(1)), at: F.at(1))
            let refund = F.refund(of: paid, amount: 1200, createdAt: F.at(40))
            _ = try await a.insertRefund(refund, checkAt: F.at(90))

            #expect(try await a.dueChecks(now: F.at(29), limit: 10).isEmpty)
            #expect(try await b.dueChecks(now: F.at(30), limit: 10).map(\.id) == [first.id])
            let due = try await a.dueChecks(now: F.at(100), limit: 10)
            #expect(due.map(\.id) == [first.id, second.id, refund.id])
            #expect(try await b.dueChecks(now: F.at(100), limit: 2).map(\.id) == [first.id, second.id])
            #expect(
                due.last
                    == OpenTransaction(
                        kind: .refund, id: refund.id, transactionId: refund.id, status: .processing, channelId: "jiangnan", amount: 1200,
                        currency: "CNY", createdAt: F.at(40), attempts: 0, nextCheckAt: F.at(90)))
            #expect(
                due.first
                    == OpenTransaction(
                        kind: .payment, id: first.id, transactionId: first.id, status: .processing, channelId: "jiangnan", amount: first.amount,
                        currency: "CNY", createdAt: F.t0, attempts: 0, nextCheckAt: F.at(30)))

            // Two processes claim the same due check at once: one wins.
            let check = due[0]
            async let claimA = a.claimCheck(check, until: F.at(130))
            async let claimB = b.claimCheck(check, until: F.at(131))
            let claims = try await [claimA, claimB]
            #expect(claims.filter { $0 }.count == 1)
            #expect(try await a.claimCheck(check, until: F.at(140)) == false)
            #expect(try await b.dueChecks(now: F.at(100), limit: 10).map(\.id) == [second.id, refund.id])

            // After a check that learned nothing: attempts counted, next time set.
            try await b.rescheduleCheck(check, attempts: 3, next: F.at(200))
            let rescheduled = try await a.dueChecks(now: F.at(200), limit: 10).first { $0.id == first.id }
            #expect(rescheduled?.attempts == 3)
            #expect(rescheduled?.nextCheckAt == F.at(200))

            // A state change in between makes a claim fail; a pending row is due at its own time with 0 attempts.
            let secondCheck = due[1]
            _ = try await a.updatePayment(
                id: second.id, with: F.pending(at: F.at(95), nextCheckAt: F.at(300)), at: F.at(95))
            #expect(try await b.claimCheck(secondCheck, until: F.at(400)) == false)
            let pendingCheck = try #require(try await b.dueChecks(now: F.at(300), limit: 10).first { $0.id == second.id })
            #expect(pendingCheck.status == .pending)
            #expect(pendingCheck.attempts == 0)
            #expect(pendingCheck.nextCheckAt == F.at(300))

            // Open: first (processing), second (pending), refund (processing); created before 30 s: first, second.
            #expect(try await a.openCounts(overdueBefore: F.at(30)) == OpenCounts(open: 3, overdue: 2))
            #expect(try await b.openCounts(overdueBefore: F.at(3600)) == OpenCounts(open: 3, overdue: 3))

            // A final row is never due again, whatever reschedule says.
            _ = try await b.updatePayment(id: first.id, with: F.declined(cause: "query", at: F.at(201)), at: F.at(201))
            try await a.rescheduleCheck(rescheduled ?? check, attempts: 4, next: F.at(250))
            #expect(try await a.dueChecks(now: F.at(10_000), limit: 10).map(\.id) == [refund.id, second.id])
            #expect(try await a.openCounts(overdueBefore: F.at(30)) == OpenCounts(open: 2, overdue: 1))
        }
    }

    @Test("nonces: a replay is refused, one of 20 concurrent registrations wins, purge forgets old ones",
        arguments: StoreKind.allCases)
    func nonces(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let (a, b) = (stores[0], stores[1])
            #expect(try await a.registerNonce(merchantId: "m1", nonce: "n-1", at: F.t0))
            #expect(try await b.registerNonce(merchantId: "m1", nonce: "n-1", at: F.at(1)) == false)
            #expect(try await a.registerNonce(merchantId: "m1", nonce: "n-1", at: F.at(2)) == false)
            #expect(try await b.registerNonce(merchantId: "m2", nonce: "n-1", at: F.at(3)))
            #expect(try await a.registerNonce(merchantId: "m1", nonce: "n-3", at: F.at(20)))

            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    let store = stores[index % 2]
                    group.addTask { try await store.registerNonce(merchantId: "m1", nonce: "n-race", at: F.at(5)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)

            // Purge what was seen before 10 s: n-1 (both merchants) and n-race are forgotten, n-3 is kept.
            try await b.purgeNonces(before: F.at(10))
            #expect(try await a.registerNonce(merchantId: "m1", nonce: "n-1", at: F.at(30)))
            #expect(try await a.registerNonce(merchantId: "m2", nonce: "n-1", at: F.at(30)))
            #expect(try await b.registerNonce(merchantId: "m1", nonce: "n-race", at: F.at(30)))
            #expect(try await b.registerNonce(merchantId: "m1", nonce: "n-3", at: F.at(30)) == false)
        }
    }

    @Test("a payment's insert records its nonce in the same statement or transaction: a replay stores nothing, with limit holds and without; a refused payment keeps no nonce",
        arguments: StoreKind.allCases)
    func nonceInPaymentInsert(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let (a, b) = (stores[0], stores[1])
            func nonce(_ value: String) -> MerchantNonce { MerchantNonce(merchantId: "m1", value: value, seenAt: F.at(1)) }
            let hold = Self.channelHold("jiangnan", amount: 100, capCount: 2)
            for holds in [[], [hold]] {
                let tag = holds.isEmpty ? "plain" : "held"
                let first = F.payment(amount: 100)
                let n1 = nonce("n-\(tag)-1")
                #expect(try await a.insertPayment(first, checkAt: F.at(30), holds: holds, nonce: n1).inserted == first)
                #expect(n1.isRecorded)
                #expect(try await b.registerNonce(merchantId: "m1", nonce: n1.value, at: F.at(2)) == false)

                // The same nonce on another payment: a replay, nothing stored, from either store.
                let second = F.payment(amount: 100)
                let replay = nonce(n1.value)
                guard case .replayedNonce = try await b.insertPayment(second, checkAt: F.at(30), holds: holds, nonce: replay)
                else {
                    Issue.record("\(kind) \(tag): a replayed nonce inserted a payment")
                    continue
                }
                #expect(!replay.isRecorded)
                #expect(try await a.payment(id: second.id) == nil)
                #expect(try await a.transitions(transactionId: second.id).isEmpty)

                // A copy of the first payment with a fresh nonce: the existing payment, and the nonce is kept.
                let n2 = nonce("n-\(tag)-2")
                let copy = F.payment(merchantOrderId: first.merchantOrderId, amount: 100)
                guard case .existing(let existing) = try await b.insertPayment(copy, checkAt: F.at(30), holds: holds, nonce: n2)
                else {
                    Issue.record("\(kind) \(tag): a copy of the payment was not answered with the existing one")
                    continue
                }
                #expect(existing.id == first.id)
                #expect(n2.isRecorded)
                #expect(try await a.registerNonce(merchantId: "m1", nonce: n2.value, at: F.at(2)) == false)
                #expect(try await a.transitions(transactionId: first.id).map(\.cause) == ["accepted"])
            }
            // The count cap of 2 is full after the held payment and one more: a refusal rolls its nonce back.
            #expect(try await a.insertPayment(F.payment(amount: 100), checkAt: F.at(30), holds: [hold]).inserted != nil)
            let refused = nonce("n-refused")
            guard case .limitExceeded = try await b.insertPayment(F.payment(amount: 100), checkAt: F.at(30), holds: [hold], nonce: refused)
            else {
                Issue.record("\(kind): the payment past the count cap was not refused")
                return
            }
            #expect(!refused.isRecorded)
            #expect(try await a.registerNonce(merchantId: "m1", nonce: refused.value, at: F.at(3)))
        }
    }
}
