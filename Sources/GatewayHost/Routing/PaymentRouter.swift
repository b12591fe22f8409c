import ChannelKit
import Foundation
import GatewayConfig

/// Which channels a payment that names none is tried on, in order, and why the others are not: the first
/// routing rule it matches (an ordered list, or a weighted split drawn with `draw` in 0..<100, then its fallback),
/// else every configured channel by id. Breakers and limits are checked later, as each candidate is tried.
enum PaymentRouter {
    /// Why a channel is not tried.
    enum Skip: String, Sendable {
        case notConfigured = "not configured"
        case offline
        case retired
        case notReady = "not ready"
        case currency
        case amount
        case breakerOpen = "breaker open"
        case limitReached = "limit reached"
    }

    struct Decision: Sendable {
        /// The rule that decided, if any.
        var rule: String?
        var candidates: [String]
        var skipped: [(channel: String, reason: String)]

        /// `a-bank: offline; b-bank: amount`.
        var skippedText: String { skipped.map { "\($0.channel): \($0.reason)" }.joined(separator: "; ") }
    }

    static func route(_ request: NewPayment, rules: RoutingRules, channels: [String: ChannelEntry], draw: Int) -> Decision {
        let rule = rules.rule(
            amount: request.amount, merchant: request.merchantId, payerBank: request.payerBank,
            payerRegion: request.payerRegion, metadata: request.metadata)
        let order = rule?.order(draw: draw) ?? channels.keys.sorted()
        var decision = Decision(rule: rule?.name, candidates: [], skipped: [])
        for id in order {
            if let skip = skip(channels[id], request.amount) {
                decision.skipped.append((id, skip.rawValue))
            } else {
                decision.candidates.append(id)
            }
        }
        return decision
    }

    /// Why `entry` cannot take a new payment of `amount`, or nil when it can.
    static func skip(_ entry: ChannelEntry?, _ amount: Money) -> Skip? {
        guard let entry else { return .notConfigured }
        if entry.retired { return .retired }
        if !entry.online { return .offline }
        guard entry.state == .ready, entry.instance != nil else { return .notReady }
        guard let bound = entry.limits.bound(for: amount.currency) else { return .currency }
        guard bound.contains(amount) else { return .amount }
        return nil
    }
}
