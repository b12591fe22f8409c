import ChannelKit
import Foundation
import GatewayConfig
import Reconciliation

/// Turns the configured limits into what one payment on one channel must pass: the one-payment bounds of the
/// merchant (across channels and on this channel), checked at once, and the daily counters to reserve
/// (`LimitHold`s, for the store's insert).
struct LimitPlanner: Sendable {
    /// The merchant's own limits (merchants file), if any.
    var merchantLimits: LimitSettings?

    /// The holds of a payment of `merchantId` for `amount` on `entry` at `now`, or the limit it is refused by.
    func plan(merchantId: String, amount: Money, entry: ChannelEntry, now: Date) -> Result<[LimitHold], LimitRefusal> {
        let currency = amount.currency
        let onChannel = entry.limitSettings.merchants[merchantId]
        for (scope, settings) in [(LimitHold.Scope.merchant, merchantLimits), (.merchantChannel, onChannel)] {
            guard let settings else { continue }
            func refusal(_ kind: LimitKind, _ limit: Int64) -> LimitRefusal {
                LimitRefusal(
                    scope: scope, kind: kind, channelId: scope == .merchant ? nil : entry.id, merchantId: merchantId,
                    currency: currency.code, limit: limit)
            }
            if let max = settings.maxAmount?.value(for: currency), amount.minorUnits > max {
                return .failure(refusal(.maxAmount, max))
            }
            if let min = settings.minAmount?.value(for: currency), amount.minorUnits < min {
                return .failure(refusal(.minAmount, min))
            }
        }
        var holds: [LimitHold] = []
        func add(_ scope: LimitHold.Scope, _ settings: LimitSettings?, zone: String) {
            guard let settings, settings.hasDailyCap else { return }
            let capAmount = settings.dailyAmount?.value(for: currency)
            guard capAmount != nil || settings.dailyCount != nil else { return }
            holds.append(
                LimitHold(
                    scope: scope, channelId: scope == .merchant ? nil : entry.id,
                    merchantId: scope == .channel ? nil : merchantId, currency: currency.code,
                    day: BusinessDay.string(now, timeZone: zone), amount: amount.minorUnits, capAmount: capAmount,
                    capCount: settings.dailyCount))
        }
        let channelZone = Self.timeZone(of: entry)
        add(.channel, entry.limitSettings, zone: channelZone)
        add(.merchant, merchantLimits, zone: merchantLimits?.timeZoneIdentifier ?? "UTC")
        add(.merchantChannel, onChannel, zone: channelZone)
        // Always in one order (by key), so that two payments never lock counters in opposite orders.
        return .success(holds.sorted { $0.key < $1.key })
    }

    /// The day of a channel's caps: its `limits.time_zone`, else its reconciliation time zone, else its
    /// plugin's statement time zone, else UTC.
    static func timeZone(of entry: ChannelEntry) -> String {
        entry.limitSettings.timeZoneIdentifier ?? entry.reconciliation.timeZoneIdentifier
            ?? entry.manifest?.statements?.timeZoneIdentifier ?? "UTC"
    }
}

/// Calendar days without a `Calendar` per payment: the zone's offset at the instant, then `CivilDate`.
enum BusinessDay {
    /// `yyyy-MM-dd` of `date` in the time zone `identifier` (UTC when unknown).
    static func string(_ date: Date, timeZone identifier: String) -> String {
        let zone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(zone.secondsFromGMT(for: date))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (year, month, day) = CivilDate.from(days: days)
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }
}
