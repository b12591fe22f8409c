import ChannelKit
import Foundation
import GatewayAPI
import GatewayConfig

/// The admin view of every configured limit with today's usage read from the counters.
struct LimitReport: Sendable {
    var registry: ChannelRegistry
    var merchants: MerchantRegistry
    var store: any PaymentStore

    func build(now: Date) async throws -> AdminLimitsResponse {
        var rows: [AdminLimit] = []
        let channels = registry.snapshot.channels.values.sorted { $0.id < $1.id }
        func row(
            _ scope: LimitHold.Scope, channel: String?, merchant: String?, currency: Currency, zone: String,
            _ settings: LimitSettings
        ) {
            rows.append(
                AdminLimit(
                    scope: scope.rawValue, channel: channel, merchant: merchant, currency: currency.code,
                    day: BusinessDay.string(now, timeZone: zone), timeZone: zone,
                    minAmount: settings.minAmount?.value(for: currency), maxAmount: settings.maxAmount?.value(for: currency),
                    dailyAmount: settings.dailyAmount?.value(for: currency), dailyCount: settings.dailyCount, usedAmount: 0,
                    usedCount: 0))
        }
        for entry in channels {
            let zone = LimitPlanner.timeZone(of: entry)
            for currency in entry.currencies {
                if entry.limitSettings.hasDailyCap {
                    row(.channel, channel: entry.id, merchant: nil, currency: currency, zone: zone, entry.limitSettings)
                }
                for merchant in entry.limitSettings.merchants.keys.sorted() {
                    row(.merchantChannel, channel: entry.id, merchant: merchant, currency: currency, zone: zone,
                        entry.limitSettings.merchants[merchant]!)
                }
            }
        }
        let currencies = Set(channels.flatMap(\.currencies)).sorted { $0.code < $1.code }
        let directory = merchants.directory
        for id in directory.ids {
            guard let limits = directory.merchant(id)?.limits, !limits.isEmpty else { continue }
            for currency in currencies {
                row(.merchant, channel: nil, merchant: id, currency: currency, zone: limits.timeZoneIdentifier ?? "UTC", limits)
            }
        }
        let counters = rows.map { LimitCounter(key: Self.key(of: $0), day: $0.day) }
        let usage = try await store.limitUsage(counters)
        for index in rows.indices {
            let used = usage[counters[index]] ?? LimitUsage(amount: 0, count: 0)
            rows[index].usedAmount = used.amount
            rows[index].usedCount = used.count
        }
        return AdminLimitsResponse(limits: rows)
    }

    static func key(of row: AdminLimit) -> String {
        LimitHold(
            scope: LimitHold.Scope(rawValue: row.scope) ?? .channel, channelId: row.channel, merchantId: row.merchant,
            currency: row.currency, day: row.day, amount: 0, capAmount: nil, capCount: nil
        ).key
    }
}
