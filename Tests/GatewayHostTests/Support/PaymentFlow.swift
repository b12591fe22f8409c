import Foundation
import Synchronization

/// A steady flow of merchant payments that name no channel, at a fixed rate, each on its own task, every
/// answer recorded: the load under which live channel operations must fail no request.
final class PaymentFlow: Sendable {
    struct Answer: Sendable {
        var sentAt: ContinuousClock.Instant
        var status: Int
        var channel: String?
        var paymentStatus: String?
        var paymentId: String?
        /// The payment's `created_at` (the gateway's clock: just after it pinned the channel).
        var createdAt: String?
        var errorCode: String?
        var text: String
    }

    private let answers = Mutex<[Answer]>([])
    private let running = Mutex(true)
    private let sentCount = Mutex(0)
    private let label: String

    init(label: String) {
        self.label = label
    }

    /// Sends `perSecond` payments a second to `gateway` until `stop()`, then waits for the last answers.
    func run(gateway: URL, perSecond: Int, amount: Int = 100) async {
        let interval = Duration.seconds(1) / perSecond
        await withTaskGroup(of: Void.self) { group in
            var next = ContinuousClock.now
            var index = 0
            while running.withLock({ $0 }) {
                index += 1
                sentCount.withLock { $0 = index }
                let order = "\(label)-\(index)-\(UUID().uuidString.prefix(8))"
                group.addTask { [self] in
                    let sentAt = ContinuousClock.now
                    do {
                        let result = try await TestHTTP.post(
                            URL(string: gateway.absoluteString + "/v1/payments")!,
                            body: JSONSerialization.data(withJSONObject: [
                                "merchant_order_id": order, "amount": amount, "currency": "CNY", "subject": "flow",
                            ]), headers: ["X-Merchant-Id": "m1"])
                        record(
                            Answer(
                                sentAt: sentAt, status: result.status, channel: result.string("channel"),
                                paymentStatus: result.string("status"), paymentId: result.string("id"), createdAt: result.string("created_at"), errorCode: result.errorCode, text: result.text))
                    } catch {
                        record(Answer(sentAt: sentAt, status: 0, text: "\(error)"))
                    }
                }
                next += interval
                try? await Task.sleep(until: next, clock: .continuous)
            }
        }
    }

    func stop() { running.withLock { $0 = false } }

    /// Requests sent so far.
    var sent: Int { sentCount.withLock { $0 } }

    /// Waits until at least `count` requests were sent and `instant` has passed.
    func wait(untilSent count: Int, notBefore instant: ContinuousClock.Instant) async {
        while sent < count || ContinuousClock.now < instant {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The payment ids of answers to requests sent before `instant` (the ones that may be in flight then).
    func paymentIds(sentBefore instant: ContinuousClock.Instant) -> Set<String> {
        Set(all.filter { $0.sentAt < instant }.compactMap(\.paymentId))
    }

    private func record(_ answer: Answer) { answers.withLock { $0.append(answer) } }

    var all: [Answer] { answers.withLock { $0 } }

    /// Answers that are not a created payment (201), for messages.
    var failures: [Answer] { all.filter { $0.status != 201 } }
}
