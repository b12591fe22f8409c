import ArgumentParser
import Foundation
import GatewayAPI

extension GatewayCtl {
    /// `gatewayctl limits`: every configured limit with today's usage.
    struct Limits: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every limit (限额限次) and what counts against it today (GET /admin/limits).",
            discussion: """
                One row per channel, merchant, or merchant on a channel, and currency: the one-payment bounds, \
                the daily caps and their use (payments accepted today and not declined, pending ones included), \
                on the day of the limit's time zone. Set in the channel configs' and the merchants file's \
                limits: sections (docs/LIMITS.md).
                Exit codes: 0 shown, 3 gateway unreachable, 4 HTTP error or unreadable answer, 5 admin token \
                missing or refused, 64 usage.
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: "Only the limits of this channel (its own and its merchants').")
        var channel: String?

        @Option(help: "Only the limits of this merchant (its own and on each channel).")
        var merchant: String?

        static let path = "/admin/limits"

        func run() async throws {
            let body = try await options.fetch(Self.path)
            let response = try options.decode(AdminLimitsResponse.self, from: body, path: Self.path)
            let limits = response.limits.filter { limit in
                (channel == nil || limit.channel == channel) && (merchant == nil || limit.merchant == merchant)
            }
            if options.json {
                if channel == nil, merchant == nil { return options.printJSON(body) }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                return options.printJSON(Array(try encoder.encode(AdminLimitsResponse(limits: limits))))
            }
            guard !limits.isEmpty else {
                print("no limits configured" + (channel != nil || merchant != nil ? " for that selection" : ""))
                return
            }
            var table = Table("SCOPE", "CHANNEL", "MERCHANT", "CUR", "DAY", "ONE PAYMENT", "AMOUNT TODAY", "COUNT TODAY")
            for limit in limits {
                let bounds =
                    limit.minAmount == nil && limit.maxAmount == nil
                    ? nil : "\(limit.minAmount.map(String.init) ?? "")…\(limit.maxAmount.map(String.init) ?? "")"
                table.append(
                    limit.scope, limit.channel, limit.merchant, limit.currency, "\(limit.day) \(limit.timeZone)", bounds,
                    Self.use(limit.usedAmount, of: limit.dailyAmount), Self.use(limit.usedCount, of: limit.dailyCount))
            }
            print(table.render())
        }

        /// `1200 / 5000 (24 %)`, or the use alone when there is no cap.
        static func use(_ used: Int64, of cap: Int64?) -> String {
            guard let cap else { return "\(used)" }
            let percent = cap > 0 ? Int((Double(used) * 100 / Double(cap)).rounded(.down)) : 0
            return "\(used) / \(cap) (\(percent) %)"
        }
    }
}
