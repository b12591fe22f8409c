import ChannelKit
import Synchronization

/// Each channel's recent success rate in this process: of its last `window` new-payment attempts, the share the
/// bank answered `succeeded`. The payer's own declines (`declined`: insufficient funds, a frozen account) are not
/// counted — they would be the same on any bank — while timeouts, server errors, busy answers and refusals are.
/// Routing rules with `prefer: success_rate` order their channels by it (`PaymentRouter`).
final class ChannelSuccessRates: Sendable {
    /// Attempts remembered per channel.
    static let window = 100

    private struct Ring {
        var outcomes: [Bool] = []
        var next = 0
        var successes = 0

        mutating func add(_ succeeded: Bool) {
            if outcomes.count < ChannelSuccessRates.window {
                outcomes.append(succeeded)
            } else {
                if outcomes[next] { successes -= 1 }
                outcomes[next] = succeeded
                next = (next + 1) % ChannelSuccessRates.window
            }
            if succeeded { successes += 1 }
        }
    }

    private let rings = Mutex<[String: Ring]>([:])

    /// Counts a pay attempt's outcome on `channel`.
    func record(_ outcome: ChannelOutcome, channel: String) {
        if outcome.status == .declined, outcome.declineReason == .declined { return }
        let succeeded = outcome.status == .succeeded
        rings.withLock { rings in rings[channel, default: Ring()].add(succeeded) }
    }

    /// The share of the remembered attempts that succeeded and how many there are; nil for a channel with none.
    func rate(_ channel: String) -> (rate: Double, attempts: Int)? {
        rings.withLock { rings in
            guard let ring = rings[channel], !ring.outcomes.isEmpty else { return nil }
            return (Double(ring.successes) / Double(ring.outcomes.count), ring.outcomes.count)
        }
    }
}
