import ChannelKit
import Foundation
import Testing

@testable import GatewayHost

extension StorageTests {
    @Test("state machine: allowed moves, nothing leaves a final state, the audit trail", arguments: StoreKind.allCases)
    func stateMachine(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let (a, b) = (stores[0], stores[1])
            let payment = F.payment()
            _ = try await a.insertPayment(payment, checkAt: F.at(30))

            // processing → pending: bank code and message stored, next check as asked.
            let pending = try #require(
                try await b.updatePayment(
                    id: payment.id, with: F.pending(at: F.at(5), nextCheckAt: F.at(100)), at: F.at(5)))
            #expect(pending.status == .pending)
            #expect(pending.bankCode == "9999")
            #expect(pending.bankMessage == "bank busy")
            #expect(pending.outcomeReason == "server_error")
            #expect(pending.updatedAt == F.at(5))
            #expect(pending.finishedAt == nil)
            #expect(try await a.dueChecks(now: F.at(100), limit: 10).map(\.nextCheckAt) == [F.at(100)])

            // pending → pending is not a move: the row comes back as it is.
            #expect(
                try await a.updatePayment(
                    id: payment.id, with: F.pending(cause: "query", at: F.at(6), nextCheckAt: F.at(200)), at: F.at(6))
                    == pending)

            // pending → succeeded.
            let succeeded = try #require(
                try await a.updatePayment(id: payment.id, with: F.succeeded(cause: "query", at: F.at(7)), at: F.at(7)))
            #expect(succeeded.status == .succeeded)
            #expect(succeeded.bankTransactionId == "JN\(F.ms(F.at(7)))")
            #expect(succeeded.bankCode == "0000")
            #expect(succeeded.finishedAt == F.at(7))
            #expect(try await b.payment(id: payment.id) == succeeded)
            #expect(try await a.dueChecks(now: F.at(10_000), limit: 10).isEmpty)

            // Nothing leaves a final state.
            #expect(try await b.updatePayment(id: payment.id, with: F.declined(at: F.at(8)), at: F.at(8)) == succeeded)
            #expect(
                try await b.updatePayment(id: payment.id, with: F.pending(at: F.at(8), nextCheckAt: F.at(9)), at: F.at(8))
                    == succeeded)
            #expect(
                try await a.updatePayment(id: payment.id, with: F.succeeded(cause: "notification", at: F.at(9)), at: F.at(9))
                    == succeeded)

            // The audit trail: every move with its cause, bank code and bank message, oldest first.
            #expect(
                try await b.transitions(transactionId: payment.id) == [
                    TransitionRecord(
                        transactionId: payment.id, kind: .payment, from: .created, to: .processing, cause: "accepted",
                        bankCode: nil, bankMessage: nil, at: F.t0),
                    TransitionRecord(
                        transactionId: payment.id, kind: .payment, from: .processing, to: .pending, cause: "pay_timeout",
                        bankCode: "9999", bankMessage: "bank busy", outcomeReason: "server_error", at: F.at(5)),
                    TransitionRecord(
                        transactionId: payment.id, kind: .payment, from: .pending, to: .succeeded, cause: "query",
                        bankCode: "0000", bankMessage: nil, at: F.at(7)),
                ])

            // processing → declined directly; a never-sent decline is marked not processed; then nothing moves.
            let other = F.payment()
            _ = try await b.insertPayment(other, checkAt: F.at(30))
            let notSent = OutcomeUpdate(.notSent("channel down"), cause: "pay_error", now: F.at(2))
            let declined = try #require(try await a.updatePayment(id: other.id, with: notSent, at: F.at(2)))
            #expect(declined.status == .declined)
            #expect(declined.notProcessed)
            #expect(declined.bankCode == nil)
            // The typed reason is stored with the row and its transition (ledger v3).
            #expect(declined.outcomeReason == "not_sent")
            #expect(try await b.payment(id: other.id)?.outcomeReason == "not_sent")
            #expect(try await b.transitions(transactionId: other.id).last?.outcomeReason == "not_sent")
            #expect(
                try await b.updatePayment(id: other.id, with: F.pending(at: F.at(3), nextCheckAt: F.at(4)), at: F.at(3))
                    == declined)
            #expect(try await a.transitions(transactionId: other.id).map(\.to) == [.processing, .declined])

            // A bank transaction id learned earlier is kept when a later outcome has none.
            let third = F.payment()
            _ = try await a.insertPayment(third, checkAt: F.at(30))
            var withId = F.pending(at: F.at(1), nextCheckAt: F.at(50))
            withId.bankTransactionId = "JN-early"
            _ = try await a.updatePayment(id: third.id, with: withId, at: F.at(1))
            #expect(
                try await b.updatePayment(id: third.id, with: F.declined(cause: "query", at: F.at(2)), at: F.at(2))?
                    .bankTransactionId == "JN-early")

            // Unknown ids.
            #expect(try await a.updatePayment(id: "pay_unknown", with: F.succeeded(at: F.at(1)), at: F.at(1)) == nil)
            #expect(try await a.updateRefund(id: "ref_unknown", with: F.succeeded(at: F.at(1)), at: F.at(1)) == nil)
            #expect(try await a.transitions(transactionId: "pay_unknown").isEmpty)
        }
    }

    @Test("concurrent outcomes for one payment from two stores: exactly one move wins", arguments: StoreKind.allCases)
    func concurrentOutcomes(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let payment = F.payment()
            _ = try await stores[0].insertPayment(payment, checkAt: F.at(30))
            let results = try await withThrowingTaskGroup(of: PaymentRecord?.self) { group in
                for index in 0..<20 {
                    let store = stores[index % 2]
                    let now = F.at(Double(index + 1))
                    let update = index % 2 == 0 ? F.succeeded(at: now) : F.declined(at: now)
                    group.addTask { try await store.updatePayment(id: payment.id, with: update, at: now) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let stored = try #require(try await stores[1].payment(id: payment.id))
            #expect(stored.status.isFinal)
            // Every caller got the row as stored: the winner its own move, the others the winner's.
            #expect(results.allSatisfy { $0 == stored })
            let trail = try await stores[0].transitions(transactionId: payment.id)
            #expect(trail.map(\.to) == [.processing, stored.status])
            let events = try await stores[0].webhooks(transactionId: payment.id)
            #expect(events.map(\.type) == ["payment.\(stored.status.rawValue)"])
        }
    }

    @Test("outbox: one event per final state, in the same transaction; none for pending", arguments: StoreKind.allCases)
    func outboxEvents(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let (a, b) = (stores[0], stores[1])
            let payment = F.payment()
            _ = try await a.insertPayment(payment, checkAt: F.at(30))
            _ = try await a.updatePayment(id: payment.id, with: F.pending(at: F.at(1), nextCheckAt: F.at(60)), at: F.at(1))
            #expect(try await b.webhooks(transactionId: payment.id).isEmpty)
            #expect(try await b.dueWebhooks(now: F.at(10_000), limit: 10).isEmpty)

            _ = try await b.updatePayment(id: payment.id, with: F.succeeded(cause: "query", at: F.at(2)), at: F.at(2))
            let event = WebhookEvent(
                id: "evt_\(payment.id)_succeeded", merchantId: "m1", transactionId: payment.id, kind: .payment,
                type: "payment.succeeded", url: payment.notifyURL, body: nil, state: .pending, attemptCount: 0,
                nextAttemptAt: F.at(2), createdAt: F.at(2))
            #expect(try await a.webhooks(transactionId: payment.id) == [event])

            // A repeated final outcome (a duplicate notification) writes nothing more.
            _ = try await a.updatePayment(id: payment.id, with: F.succeeded(cause: "notification", at: F.at(3)), at: F.at(3))
            #expect(try await b.webhooks(transactionId: payment.id) == [event])

            // A refund's event goes to its payment's notify URL; a payment without one has none.
            let refund = F.refund(of: payment, amount: 100)
            _ = try await b.insertRefund(refund, checkAt: F.at(90))
            _ = try await a.updateRefund(id: refund.id, with: F.declined(at: F.at(4)), at: F.at(4))
            let refundEvents = try await b.webhooks(transactionId: refund.id)
            #expect(refundEvents.map(\.id) == ["evt_\(refund.id)_declined"])
            #expect(refundEvents.map(\.type) == ["refund.declined"])
            #expect(refundEvents.map(\.kind) == [.refund])
            #expect(refundEvents.map(\.url) == [payment.notifyURL])

            let silent = F.payment(notifyURL: nil)
            _ = try await a.insertPayment(silent, checkAt: F.at(30))
            _ = try await b.updatePayment(id: silent.id, with: F.declined(at: F.at(5)), at: F.at(5))
            let silentEvents = try await a.webhooks(transactionId: silent.id)
            #expect(silentEvents.count == 1)
            #expect(silentEvents.first?.url == nil)

            // Due in order of their next attempt.
            #expect(
                try await a.dueWebhooks(now: F.at(10), limit: 10).map(\.transactionId) == [payment.id, refund.id, silent.id])
            #expect(try await a.dueWebhooks(now: F.at(10), limit: 2).map(\.transactionId) == [payment.id, refund.id])
            #expect(try await a.dueWebhooks(now: F.at(1.999), limit: 10).isEmpty)
        }
    }
}
