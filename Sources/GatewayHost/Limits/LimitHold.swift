import Foundation

/// One daily counter a payment counts against (限额限次): a channel's, a merchant's, or a merchant's on one
/// channel, in one currency, on one day of the limit's time zone. The payment's insert reserves its amount
/// and a count of one on the counter; its decline (or not-processed) releases them; a pending payment keeps
/// them until it is resolved. See docs/LIMITS.md and `LimitBalancer` for the slot protocol.
struct LimitHold: Sendable, Hashable {
    /// Whose limit.
    enum Scope: String, Sendable, Codable {
        case channel
        case merchant
        case merchantChannel = "merchant_channel"
    }

    var scope: Scope
    var channelId: String?
    var merchantId: String?
    var currency: String
    /// The business day, `yyyy-MM-dd` in the limit's time zone.
    var day: String
    /// The payment's amount (minor units).
    var amount: Int64
    /// The day's caps as configured now; nil: not capped.
    var capAmount: Int64?
    var capCount: Int64?
    /// The counter slot this payment's reservation went to (chosen at random among the store's slots).
    var slot = 0

    /// The counter's key: `channel:jiangnan:CNY`, `merchant:m1:CNY`, `merchant_channel:m1:jiangnan:CNY`.
    var key: String {
        switch scope {
        case .channel: "channel:\(channelId ?? ""):\(currency)"
        case .merchant: "merchant:\(merchantId ?? ""):\(currency)"
        case .merchantChannel: "merchant_channel:\(merchantId ?? ""):\(channelId ?? ""):\(currency)"
        }
    }

    /// The stored form of a payment's holds (`payments.limit_holds`): `key|day|slot` joined by `;`. Channel and
    /// merchant ids cannot contain `|`, `;` or `:`, so the form is unambiguous.
    static func encode(_ holds: [LimitHold]) -> String? {
        holds.isEmpty ? nil : holds.map { "\($0.key)|\($0.day)|\($0.slot)" }.joined(separator: ";")
    }

    /// The counters named by a stored form: key, day and slot of each.
    static func decode(_ text: String?) -> [(key: String, day: String, slot: Int)] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: ";").compactMap { part in
            let fields = part.split(separator: "|", omittingEmptySubsequences: false)
            guard fields.count == 3, let slot = Int(fields[2]) else { return nil }
            return (String(fields[0]), String(fields[1]), slot)
        }
    }

    /// The stored value of a cap: -1 for none (so that `cap = value` compares in SQL without NULL rules).
    static func stored(_ cap: Int64?) -> Int64 { cap ?? -1 }

    /// A quota that no sum of payments reaches: the quota of an uncapped counter.
    static let unlimited: Int64 = 1 << 60
}

/// Which daily cap a payment would pass.
enum LimitKind: String, Sendable, Codable {
    case minAmount = "min_amount"
    case maxAmount = "max_amount"
    case dailyAmount = "daily_amount"
    case dailyCount = "daily_count"
}

/// A payment refused by a limit: which one.
struct LimitRefusal: Error, Sendable, Equatable {
    var scope: LimitHold.Scope
    var kind: LimitKind
    var channelId: String?
    var merchantId: String?
    var currency: String
    var limit: Int64

    /// `merchant m1 on channel jiangnan: daily_amount 1000000 CNY`.
    var description: String {
        let whose =
            switch scope {
            case .channel: "channel \(channelId ?? "")"
            case .merchant: "merchant \(merchantId ?? "")"
            case .merchantChannel: "merchant \(merchantId ?? "") on channel \(channelId ?? "")"
            }
        let unit = kind == .dailyCount ? "payments" : "minor units of \(currency)"
        return "\(whose): \(kind.rawValue) \(limit) \(unit)"
    }
}

extension LimitHold {
    /// The refusal of this hold when it would pass `passed`.
    func refusal(_ passed: LimitBalancer.Passed) -> LimitRefusal {
        LimitRefusal(
            scope: scope, kind: passed == .amount ? .dailyAmount : .dailyCount, channelId: channelId,
            merchantId: merchantId, currency: currency,
            limit: (passed == .amount ? capAmount : capCount) ?? 0)
    }

    var counter: LimitCounter { LimitCounter(key: key, day: day) }
}

/// A reservation that did not fit: thrown inside a store's transaction to roll it back.
struct LimitRefused: Error, Sendable {
    var refusal: LimitRefusal
}

/// One daily counter: its key and day.
struct LimitCounter: Sendable, Hashable {
    var key: String
    var day: String
}

/// What a counter holds: the amount and count of the payments that count against it (pending and succeeded).
struct LimitUsage: Sendable, Equatable {
    var amount: Int64
    var count: Int64
}
