import Foundation
import Testing

@testable import GatewayHost

@Suite("Webhook bodies frozen from the outcome's row")
struct WebhookBodiesTests {
    typealias F = LedgerFixtures

    private func final(_ status: TransactionStatus = .succeeded, at: Date) -> PaymentRecord {
        var payment = F.payment()
        payment.status = status
        payment.updatedAt = at
        payment.finishedAt = at
        return payment
    }

    @Test("the body of the event an update wrote is kept once, as the ledger would render it; a re-read row, an open state, a failed-over payment are not kept")
    func freezesOnlyTheUpdatesOwnEvent() throws {
        let bodies = WebhookBodies()
        let at = Date(timeIntervalSince1970: 1_764_000_000.123)
        let paid = final(at: at)
        bodies.freeze(paid, movedAt: at, to: .succeeded)
        let id = WebhookEvent.id(transactionId: paid.id, status: .succeeded)
        let body = try #require(bodies.take(id))
        #expect(bodies.take(id) == nil, "taken once")
        let expected = try WebhookPayload.render(
            id: id, type: "payment.succeeded", createdAt: at,
            data: PaymentResource(paid, refunds: RefundTotals(committed: 0, succeeded: 0), needsAttention: false))
        #expect(body == expected)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(json["id"] as? String == id && json["type"] as? String == "payment.succeeded")

        // Another update's row (a re-read after a concurrent move), the update's status not reached, an open
        // state, a payment with earlier attempts: nothing kept.
        let other = final(at: at)
        bodies.freeze(other, movedAt: at.addingTimeInterval(0.002), to: .succeeded)
        let declinedInstead = final(.declined, at: at)
        bodies.freeze(declinedInstead, movedAt: at, to: .succeeded)
        let pending = final(.pending, at: at)
        bodies.freeze(pending, movedAt: at, to: .pending)
        var failedOver = final(at: at)
        failedOver.attemptNumber = 2
        bodies.freeze(failedOver, movedAt: at, to: .succeeded)
        #expect(bodies.count == 0)
    }

    @Test("bounded: a body not taken is dropped once `capacity` newer ones were kept")
    func bounded() {
        let bodies = WebhookBodies(capacity: 3)
        let at = Date(timeIntervalSince1970: 1_764_000_000)
        let payments = (0..<5).map { _ in final(at: at) }
        for payment in payments { bodies.freeze(payment, movedAt: at, to: .succeeded) }
        let ids = payments.map { WebhookEvent.id(transactionId: $0.id, status: .succeeded) }
        #expect(bodies.count == 3)
        #expect(bodies.take(ids[0]) == nil && bodies.take(ids[1]) == nil)
        #expect(bodies.take(ids[2]) != nil)
        for _ in 0..<100 {
            let payment = final(at: at)
            bodies.freeze(payment, movedAt: at, to: .succeeded)
            #expect(bodies.take(WebhookEvent.id(transactionId: payment.id, status: .succeeded)) != nil)
        }
        #expect(bodies.count == 0, "ids 3 and 4 were not taken within 3 newer bodies")
        #expect(bodies.take(ids[3]) == nil && bodies.take(ids[4]) == nil)
    }
}
