import ChannelKit
import Foundation
import GatewayConfig

/// Which channels a payment that names none is tried on, in order, and why the others are not: the first
/// routing rule it matches (an ordered list — by recent success rate with `prefer: success_rate` — or a weighted
/// split drawn with `draw` in 0..<100, then its fallback), else every configured channel by id. Breakers and limits are checked later, as each candidate is tried.
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

    /// `draw` and `explore` are uniform in 0..<100 (the split's pick, and whether a `prefer: success_rate` rule
    /// explores); `pick` chooses the channel an exploring payment tries first, among the others (`pick(n)` in
    /// 0..<n). `rate` is a channel's recent success rate, nil when it has none yet.
    static func route(
        _ request: NewPayment, rules: RoutingRules, channels: [String: ChannelEntry], draw: Int, explore: Int = 100,
        pick: (Int) -> Int = { _ in 0 }, rate: (String) -> Double? = { _ in nil }
    ) -> Decision {
        let rule = rules.rule(
            amount: request.amount, merchant: request.merchantId, payerBank: request.payerBank,
            payerRegion: request.payerRegion, metadata: request.metadata)
        var order = rule?.order(draw: draw) ?? channels.keys.sorted()
        if let rule, rule.prefersSuccessRate {
            order = bySuccessRate(order, rate: rate, explore: explore < rule.explorePercent, pick: pick)
        }
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

    /// Equal channels, best recent success rate first (a channel without attempts yet counts as 1, so that a new
    /// one gets tried; ties keep the rule's order); when `explore`, one of the others, chosen by `pick`, goes first.
    static func bySuccessRate(_ channels: [String], rate: (String) -> Double?, explore: Bool, pick: (Int) -> Int) -> [String] {
        let ranked = channels.enumerated()
            .map { (index: $0.offset, id: $0.element, rate: rate($0.element) ?? 1) }
            .sorted { $0.rate != $1.rate ? $0.rate > $1.rate : $0.index < $1.index }
            .map(\.id)
        guard explore, ranked.count > 1 else { return ranked }
        let chosen = 1 + min(max(0, pick(ranked.count - 1)), ranked.count - 2)
        var explored = ranked
        explored.insert(explored.remove(at: chosen), at: 0)
        return explored
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
