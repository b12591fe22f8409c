import ChannelKit
import Foundation
import NIOCore
import Synchronization

/// The bodies of the webhook events this process's outcome updates wrote, rendered from the row each update
/// returned, so that the dispatcher sends a payment's state as its final state left it and reads nothing to
/// render it (`WebhookDispatcher`, first attempt). An event whose body is not here (another node wrote it,
/// the process restarted, the payment failed over and its body lists earlier attempts, or the bound pushed it
/// out) is rendered from the ledger as before; from the first attempt on, the body stored with the attempt is
/// the event's. Bounded, as another node's dispatcher may take the events: a body not taken is dropped once
/// `capacity` newer ones were kept.
final class WebhookBodies: Sendable {
    private struct Bodies {
        var byEvent: [String: String] = [:]
        /// The ids in the order they were kept (taken ones too: removing them would cost a search).
        var order = CircularBuffer<String>()
    }

    private let bodies = Mutex(Bodies())
    let capacity: Int

    init(capacity: Int = 8_192) {
        self.capacity = max(1, capacity)
    }

    /// Renders and keeps the body of the event that the update to `payment.status` at `movedAt` wrote — only when
    /// this row is that update's (a final state reached then: `updated_at` is the update's time, which is also
    /// the event's `created_at`) and the payment has no earlier attempts. A final state is reached only from an
    /// open one, and only a succeeded payment can be refunded, so the event's payment has no refunds yet.
    func freeze(_ payment: PaymentRecord, movedAt: Date, to status: TransactionStatus) {
        guard payment.status == status, status.isFinal, payment.attemptNumber == 1,
            Self.ms(payment.updatedAt) == Self.ms(movedAt)
        else { return }
        let id = WebhookEvent.id(transactionId: payment.id, status: status)
        let resource = PaymentResource(payment, refunds: RefundTotals(committed: 0, succeeded: 0), needsAttention: false)
        guard
            let body = try? WebhookPayload.render(
                id: id, type: "\(TransactionKind.payment.rawValue).\(status.rawValue)", createdAt: payment.updatedAt,
                data: resource)
        else { return }
        keep(body, for: id)
    }

    /// The body kept for `eventId`, removed from here; nil when none is.
    func take(_ eventId: String) -> String? {
        bodies.withLock { $0.byEvent.removeValue(forKey: eventId) }
    }

    var count: Int { bodies.withLock { $0.byEvent.count } }

    private func keep(_ body: String, for id: String) {
        bodies.withLock { bodies in
            if bodies.byEvent.updateValue(body, forKey: id) != nil { return }
            bodies.order.append(id)
            // The bound counts every body kept since, taken or not.
            while bodies.order.count > capacity {
                bodies.byEvent.removeValue(forKey: bodies.order.removeFirst())
            }
        }
    }

    private static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
