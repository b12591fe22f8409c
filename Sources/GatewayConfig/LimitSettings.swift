import ChannelKit
import Foundation

/// A `limits:` section (限额限次): bounds of one payment and caps of a day, for a channel (in its config file), for
/// one merchant on that channel (`merchants:` inside it), or for a merchant across channels (the merchants file).
///
/// ```yaml
/// limits:
///   time_zone: Asia/Shanghai   # the day of the daily caps; channel default: its reconciliation time zone
///   daily_amount: 100000000    # minor units per currency per day; or per currency: {CNY: 100000000}
///   daily_count: 10000         # payments per day (each currency counted apart)
///   merchants:                 # channel files only: one merchant on this channel
///     m1: {min_amount: 100, max_amount: 200000, daily_amount: 5000000, daily_count: 500}
/// ```
///
/// A payment counts against a daily cap from the moment it is accepted until it is declined (or not
/// processed); a pending payment keeps counting until it is resolved. A channel's own one-payment bounds are
/// its top-level `max_amount` / `min_amount`; `min_amount` and `max_amount` here are for merchants.
public struct LimitSettings: Hashable, Sendable {
    /// An amount limit: one value for every currency, or one per currency (currencies not named: no limit).
    public enum Amount: Hashable, Sendable {
        case all(Int64)
        case perCurrency([Currency: Int64])

        public func value(for currency: Currency) -> Int64? {
            switch self {
            case .all(let value): value
            case .perCurrency(let map): map[currency]
            }
        }
    }

    public var timeZoneIdentifier: String?
    public var minAmount: Amount?
    public var maxAmount: Amount?
    public var dailyAmount: Amount?
    public var dailyCount: Int64?
    /// Per merchant on this channel (channel files only).
    public var merchants: [String: LimitSettings] = [:]

    public init() {}

    /// Whether nothing is limited.
    public var isEmpty: Bool {
        minAmount == nil && maxAmount == nil && dailyAmount == nil && dailyCount == nil && merchants.isEmpty
    }

    /// Whether a daily cap is set here (not counting `merchants`).
    public var hasDailyCap: Bool { dailyAmount != nil || dailyCount != nil }

    /// Where a section is written: which keys it may have.
    public enum Scope: Sendable {
        /// A channel file's `limits:` (daily caps, `time_zone`, `merchants`).
        case channel
        /// `limits.merchants.ID` of a channel file (bounds and daily caps; the channel's day).
        case merchantOnChannel
        /// A merchant's `limits:` in the merchants file (bounds, daily caps, `time_zone`).
        case merchant

        var keys: Set<String> {
            switch self {
            case .channel: ["time_zone", "daily_amount", "daily_count", "merchants"]
            case .merchantOnChannel: ["min_amount", "max_amount", "daily_amount", "daily_count"]
            case .merchant: ["time_zone", "min_amount", "max_amount", "daily_amount", "daily_count"]
            }
        }
    }

    /// Parses a section at `path` (`limits`, `limits.merchants.m1`, …). `currencies`, when given, are the only
    /// ones a per-currency mapping may name. Errors come from `fail(key, message)`.
    public static func parse<Failure: Error>(
        _ raw: Any, path: String, scope: Scope, currencies: [Currency]?, _ fail: (String?, String) -> Failure
    ) throws(Failure) -> LimitSettings {
        guard let map = raw as? [String: Any] else { throw fail(path, "must be a mapping") }
        let keys = scope.keys
        for key in map.keys.sorted() where !keys.contains(key) {
            throw fail("\(path).\(key)", "unknown key (allowed: \(keys.sorted().joined(separator: ", ")))")
        }
        var settings = LimitSettings()
        if let zone = map["time_zone"] {
            guard let text = zone as? String, TimeZone(identifier: text) != nil else {
                throw fail("\(path).time_zone", "must be an IANA time zone (Asia/Shanghai) or GMT+0800")
            }
            settings.timeZoneIdentifier = text
        }
        settings.minAmount = try amount(map["min_amount"], key: "\(path).min_amount", currencies: currencies, fail)
        settings.maxAmount = try amount(map["max_amount"], key: "\(path).max_amount", currencies: currencies, fail)
        settings.dailyAmount = try amount(map["daily_amount"], key: "\(path).daily_amount", currencies: currencies, fail)
        if let raw = map["daily_count"] {
            guard let count = raw as? Int, count > 0 else { throw fail("\(path).daily_count", "must be a positive integer") }
            settings.dailyCount = Int64(count)
        }
        if let min = settings.minAmount, let max = settings.maxAmount {
            if case .all(let low) = min, case .all(let high) = max, low > high {
                throw fail("\(path).min_amount", "is above max_amount")
            }
            for currency in Set(min.currencies + max.currencies).sorted(by: { $0.code < $1.code }) {
                if let low = min.value(for: currency), let high = max.value(for: currency), low > high {
                    throw fail("\(path).min_amount", "is above max_amount for \(currency.code)")
                }
            }
        }
        if let raw = map["merchants"] {
            guard let merchants = raw as? [String: Any] else {
                throw fail("\(path).merchants", "must be a mapping of merchant id to its limits")
            }
            for id in merchants.keys.sorted() {
                settings.merchants[id] = try parse(
                    merchants[id] as Any, path: "\(path).merchants.\(id)", scope: .merchantOnChannel,
                    currencies: currencies, fail)
            }
        }
        return settings
    }

    /// A positive number of minor units, or a mapping of currency code to one.
    public static func amount<Failure: Error>(
        _ raw: Any?, key: String, currencies: [Currency]?, _ fail: (String?, String) -> Failure
    ) throws(Failure) -> Amount? {
        guard let raw else { return nil }
        if let value = raw as? Int {
            guard value > 0 else { throw fail(key, "must be a positive integer (minor units)") }
            return .all(Int64(value))
        }
        guard let map = raw as? [String: Any] else {
            throw fail(key, "must be a positive integer (minor units) or a mapping of currency to one")
        }
        var perCurrency: [Currency: Int64] = [:]
        for code in map.keys.sorted() {
            guard let currency = Currency(code: code) else {
                throw fail("\(key).\(code.prefix(16))", "is not an ISO 4217 currency code")
            }
            if let currencies, !currencies.contains(currency) {
                throw fail("\(key).\(code)", "names a currency the channel does not list in currencies")
            }
            guard let value = map[code] as? Int, value > 0 else {
                throw fail("\(key).\(code)", "must be a positive integer (minor units)")
            }
            perCurrency[currency] = Int64(value)
        }
        return .perCurrency(perCurrency)
    }
}

extension LimitSettings.Amount {
    /// The currencies named (none for `.all`).
    var currencies: [Currency] {
        switch self {
        case .all: []
        case .perCurrency(let map): Array(map.keys)
        }
    }
}
