import ChannelKit
import Foundation
import Testing

@testable import GatewayHost

extension StorageTests {
    @Test("webhooks: due, one claim of two wins, attempts recorded, the body frozen at the first attempt",
        arguments: StoreKind.allCases)
    func webhookDelivery(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, _ async throws in
            let (a, b) = (stores[0], stores[1])
            let payment = F.payment()
            _ = try await a.insertPayment(payment, checkAt: F.at(30))
            _ = try await a.updatePayment(id: payment.id, with: F.succeeded(at: F.at(1)), at: F.at(1))
            let refund = F.refund(of: payment, amount: 100, createdAt: F.at(2))
            _ = try await b.insertRefund(refund, checkAt: F.at(90))
            _ = try await b.updateRefund(id: refund.id, with: F.succeeded(at: F.at(3)), at: F.at(3))

            let event = try #require(try await a.dueWebhooks(now: F.at(1), limit: 10).first)
            #expect(event.transactionId == payment.id)

            // Two senders claim it at once: one wins; the loser's view is stale.
            async let claimA = a.claimWebhook(event, until: F.at(31))
            async let claimB = b.claimWebhook(event, until: F.at(32))
            #expect(try await [claimA, claimB].filter { $0 }.count == 1)
            #expect(try await a.claimWebhook(event, until: F.at(40)) == false)
            #expect(try await b.dueWebhooks(now: F.at(10), limit: 10).map(\.transactionId) == [refund.id])

            // First attempt: no answer. The body is frozen, the next attempt scheduled.
            let first = WebhookAttempt(
                number: 1, at: F.at(4), url: "http://127.0.0.1:9/hooks/m1", httpStatus: nil, error: "connection refused",
                durationMs: 12)
            try await b.recordWebhookAttempt(first, event: event, body: #"{"n":1}"#, state: .pending, next: F.at(60))
            let afterFirst = try #require(try await a.dueWebhooks(now: F.at(60), limit: 10).first { $0.id == event.id })
            #expect(afterFirst.body == #"{"n":1}"#)
            #expect(afterFirst.attemptCount == 1)
            #expect(afterFirst.nextAttemptAt == F.at(60))
            #expect(try await a.claimWebhook(afterFirst, until: F.at(90)))

            // Second attempt: delivered. A re-rendered body does not replace the first one.
            let second = WebhookAttempt(
                number: 2, at: F.at(61), url: "http://127.0.0.1:9/hooks/m1", httpStatus: 200, error: nil, durationMs: 7)
            try await a.recordWebhookAttempt(second, event: afterFirst, body: #"{"n":2}"#, state: .delivered, next: nil)

            let listed = try await b.webhooks(transactionId: payment.id)
            #expect(
                listed == [
                    WebhookEvent(
                        id: event.id, merchantId: "m1", transactionId: payment.id, kind: .payment,
                        type: "payment.succeeded", url: payment.notifyURL, body: #"{"n":1}"#, state: .delivered,
                        attemptCount: 2, nextAttemptAt: nil, createdAt: F.at(1), attempts: [first, second])
                ])
            #expect(try await b.claimWebhook(listed[0], until: F.at(100)) == false)
            #expect(try await a.dueWebhooks(now: F.at(10_000), limit: 10).map(\.transactionId) == [refund.id])

            // An event that has given up, and one never attempted.
            let refundEvent = try #require(try await a.webhooks(transactionId: refund.id).first)
            #expect(refundEvent.attempts.isEmpty)
            #expect(refundEvent.attemptCount == 0)
            let failed = WebhookAttempt(
                number: 1, at: F.at(5), url: "http://127.0.0.1:9/hooks/m1", httpStatus: 500, error: nil, durationMs: 3)
            try await b.recordWebhookAttempt(failed, event: refundEvent, body: "{}", state: .failed, next: nil)
            #expect(try await a.webhooks(transactionId: refund.id).map(\.state) == [.failed])
            #expect(try await a.dueWebhooks(now: F.at(10_000), limit: 10).isEmpty)
            #expect(try await a.webhooks(transactionId: "pay_unknown").isEmpty)
        }
    }
}
