import Foundation
import Testing

@testable import GatewayHost

/// The ledger's contract (`PaymentStore`), run against both implementations. Every test gets a fresh ledger
/// opened as two stores with their own connections — two gateway processes sharing one database — so the
/// rules that must hold across processes are tested across them. Serialized: each PostgreSQL case opens
/// pools of its own on a server shared by the whole run.
@Suite("Storage: the ledger contract against SQLite and PostgreSQL", .serialized)
struct StorageTests {
    typealias F = LedgerFixtures

    // MARK: payments

    @Test("payment insert, read back, replay of the merchant order id", arguments: StoreKind.allCases)
    func paymentInsertAndReplay(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let (a, b) = (stores[0], stores[1])
            let payment = F.payment()
            #expect(try await a.insertPayment(payment, checkAt: F.at(30)).inserted == payment)
            #expect(try await b.payment(id: payment.id) == payment)
            #expect(try await b.payment(merchantId: "m1", merchantOrderId: payment.merchantOrderId) == payment)

            // The same merchant order id again (a new payment id, another amount): the stored payment comes back.
            let again = F.payment(merchantOrderId: payment.merchantOrderId, amount: 999)
            #expect(try await b.insertPayment(again, checkAt: F.at(30)).existing == payment)
            #expect(try await a.payment(id: again.id) == nil)
            #expect(try await a.transitions(transactionId: again.id).isEmpty)

            // Another merchant may use the same order id; no notify URL and no metadata round-trip as nil.
            let other = F.payment(merchantId: "m2", merchantOrderId: payment.merchantOrderId, notifyURL: nil, metadata: nil)
            #expect(try await b.insertPayment(other, checkAt: F.at(30)).inserted == other)
            #expect(try await a.payment(merchantId: "m2", merchantOrderId: payment.merchantOrderId) == other)

            #expect(try await a.payment(id: "pay_unknown") == nil)
            #expect(try await a.payment(merchantId: "m1", merchantOrderId: "order_unknown") == nil)

            // The audit trail starts with created → processing, caused by "accepted".
            #expect(
                try await b.transitions(transactionId: payment.id) == [
                    TransitionRecord(
                        transactionId: payment.id, kind: .payment, from: .created, to: .processing, cause: "accepted",
                        bankCode: nil, bankMessage: nil, at: payment.createdAt)
                ])

            // checkAt is when recovery may first look at it.
            #expect(try await a.dueChecks(now: F.at(29.999), limit: 10).isEmpty)
            #expect(try await a.dueChecks(now: F.at(30), limit: 10).map(\.id).sorted() == [payment.id, other.id].sorted())
        }
    }

    @Test("50 concurrent inserts of one merchant order id from two stores: exactly one is stored",
        arguments: StoreKind.allCases)
    func concurrentPaymentInserts(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let order = F.uniqueId("order")
            let results = try await withThrowingTaskGroup(of: PaymentInsertResult.self) { group in
                for index in 0..<50 {
                    let store = stores[index % 2]
                    let payment = F.payment(id: "pay_race_\(index)", merchantOrderId: order, amount: Int64(100 + index))
                    group.addTask { try await store.insertPayment(payment, checkAt: F.at(30)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let inserted = results.compactMap(\.inserted)
            try #require(inserted.count == 1)
            let winner = inserted[0]
            #expect(results.compactMap(\.existing).count == 49)
            #expect(results.compactMap(\.existing).allSatisfy { $0 == winner })
            #expect(try await stores[1].payment(merchantId: "m1", merchantOrderId: order) == winner)
            #expect(try await stores[0].transitions(transactionId: winner.id).count == 1)
            for index in 0..<50 where "pay_race_\(index)" != winner.id {
                #expect(try await stores[index % 2].payment(id: "pay_race_\(index)") == nil)
            }
            #expect(try await stores[0].openCounts(overdueBefore: F.at(3600)) == OpenCounts(open: 1, overdue: 1))
        }
    }

    // MARK: refunds

    @Test("refunds: only of a succeeded payment, within what remains, replay, totals", arguments: StoreKind.allCases)
    func refundRulesAndReplay(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let (a, b) = (stores[0], stores[1])
            let payment = F.payment(amount: 10_000)
            _ = try await a.insertPayment(payment, checkAt: F.at(30))
            let first = F.refund(of: payment, amount: 3000)

            // Not refundable while processing.
            #expect(try await b.insertRefund(first, checkAt: F.at(90)).notRefundable?.status == .processing)
            _ = try await a.updatePayment(id: payment.id, with: F.succeeded(at: F.at(1)), at: F.at(1))

            #expect(try await b.insertRefund(first, checkAt: F.at(90)).inserted == first)
            #expect(try await a.refund(id: first.id) == first)
            #expect(try await a.refund(merchantId: "m1", merchantRefundId: first.merchantRefundId) == first)

            // Replay: the same merchant refund id (a new refund id, even another amount) answers the stored refund.
            let replay = F.refund(of: payment, merchantRefundId: first.merchantRefundId, amount: 5000)
            #expect(try await a.insertRefund(replay, checkAt: F.at(90)).existing == first)
            #expect(try await b.refund(id: replay.id) == nil)
            #expect(try await b.refund(id: "ref_unknown") == nil)
            #expect(try await b.refund(merchantId: "m1", merchantRefundId: "refund_unknown") == nil)

            // Over the remaining amount: refused, with what remains.
            #expect(try await b.insertRefund(F.refund(of: payment, amount: 7001), checkAt: F.at(90)).remaining == 7000)
            let second = F.refund(of: payment, amount: 7000)
            #expect(try await a.insertRefund(second, checkAt: F.at(90)).inserted == second)
            #expect(try await b.refundTotals(paymentId: payment.id) == RefundTotals(committed: 10_000, succeeded: 0))
            #expect(try await b.insertRefund(F.refund(of: payment, amount: 1), checkAt: F.at(90)).remaining == 0)

            // A declined refund frees its amount; succeeded ones count in both sums.
            #expect(try await b.updateRefund(id: second.id, with: F.declined(at: F.at(100)), at: F.at(100))?.status == .declined)
            #expect(try await a.refundTotals(paymentId: payment.id) == RefundTotals(committed: 3000, succeeded: 0))
            #expect(try await a.updateRefund(id: first.id, with: F.succeeded(at: F.at(101)), at: F.at(101))?.status == .succeeded)
            #expect(try await b.refundTotals(paymentId: payment.id) == RefundTotals(committed: 3000, succeeded: 3000))
            let third = F.refund(of: payment, amount: 7000)
            #expect(try await b.insertRefund(third, checkAt: F.at(90)).inserted == third)
            #expect(try await a.refundTotals(paymentId: payment.id) == RefundTotals(committed: 10_000, succeeded: 3000))
            #expect(try await a.refundTotals(paymentId: "pay_unknown") == RefundTotals(committed: 0, succeeded: 0))

            #expect(
                try await a.transitions(transactionId: first.id).map { "\($0.kind):\($0.from?.rawValue ?? "-")>\($0.to):\($0.cause)" }
                    == ["refund:created>processing:accepted", "refund:processing>succeeded:pay_response"])
        }
    }

    @Test("concurrent refunds of one payment from two stores never exceed its amount", arguments: StoreKind.allCases)
    func concurrentRefundsRespectTheLimit(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let payment = F.payment(amount: 1000)
            _ = try await stores[0].insertPayment(payment, checkAt: F.at(30))
            _ = try await stores[1].updatePayment(id: payment.id, with: F.succeeded(at: F.at(1)), at: F.at(1))

            // 30 different refunds of 70: 14 fit (980), 16 are refused with 20 remaining.
            let results = try await withThrowingTaskGroup(of: RefundInsertResult.self) { group in
                for index in 0..<30 {
                    let store = stores[index % 2]
                    let refund = F.refund(of: payment, amount: 70)
                    group.addTask { try await store.insertRefund(refund, checkAt: F.at(90)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.compactMap(\.inserted).count == 14)
            #expect(results.compactMap(\.remaining) == Array(repeating: 20, count: 16))
            #expect(try await stores[0].refundTotals(paymentId: payment.id) == RefundTotals(committed: 980, succeeded: 0))

            // One merchant refund id sent 10 times at once from both stores: stored once.
            let payment2 = F.payment(amount: 500)
            _ = try await stores[0].insertPayment(payment2, checkAt: F.at(30))
            _ = try await stores[0].updatePayment(id: payment2.id, with: F.succeeded(at: F.at(1)), at: F.at(1))
            let merchantRefundId = F.uniqueId("refund")
            let replays = try await withThrowingTaskGroup(of: RefundInsertResult.self) { group in
                for index in 0..<10 {
                    let store = stores[index % 2]
                    let refund = F.refund(of: payment2, merchantRefundId: merchantRefundId, amount: 400)
                    group.addTask { try await store.insertRefund(refund, checkAt: F.at(90)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let stored = replays.compactMap(\.inserted)
            try #require(stored.count == 1)
            #expect(replays.compactMap(\.existing).count == 9)
            #expect(replays.compactMap(\.existing).allSatisfy { $0 == stored[0] })
            #expect(try await stores[1].refundTotals(paymentId: payment2.id) == RefundTotals(committed: 400, succeeded: 0))
        }
    }
}
