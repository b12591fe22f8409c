import ArgumentParser
import GatewayAPI

extension GatewayCtl.Channels {
    /// `gatewayctl channels show ID`: one channel in full.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one channel (GET /admin/channels/ID).",
            discussion: """
                Prints the channel's plugin and version, whether it is online (and who set it, when and why), its \
                state and last error, the credentials self-check, its bounds, the bank calls in flight, and \
                today's payments (the bank's business day) counted and summed by outcome. \
                --json prints the admin API's answer.
                Exit codes: 0 success, 3 gateway unreachable, 4 HTTP error (404 unknown_channel) or unreadable \
                answer, 5 admin token missing or refused, 64 usage.
                """
        )

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The channel id.")
        var id: String

        func run() async throws {
            let path = "/admin/channels/\(id)"
            let body = try await options.fetch(path)
            if options.json {
                options.printJSON(body)
                return
            }
            print(Self.render(try options.decode(AdminChannel.self, from: body, path: path)))
        }

        static func render(_ channel: AdminChannel) -> String {
            var lines: [(String, String?)] = [
                ("channel", channel.id),
                ("plugin", [channel.plugin, channel.pluginVersion].compactMap { $0 }.joined(separator: " ")),
                ("online", channel.onlineLabel),
                ("changed", channel.note),
                ("state", channel.state.rawValue),
                ("error", channel.error),
                ("self-check", channel.selfCheck.map { "\($0.status.label): \($0.detail) (\($0.checkedAt))" }),
                ("endpoint", channel.endpoint),
                ("config file", channel.configFile),
                ("in flight", String(channel.inFlight)),
                ("recent success", channel.breaker.flatMap { breaker in
                    breaker.recentSuccessRate.map { "\(Int(($0 * 100).rounded())) % of the last \(breaker.recentAttempts) attempts" }
                }),
            ]
            for limit in channel.limits {
                lines.append(("bounds \(limit.currency)", "\(limit.minimum)–\(limit.maximum) minor units"))
            }
            if let today = channel.today {
                let totals = today.totals.map { "\($0.status) \($0.count) (\($0.amount) \($0.currency))" }
                lines.append(("today \(today.date) \(today.timeZone)", totals.isEmpty ? "no payments" : totals.joined(separator: ", ")))
            }
            let width = lines.map(\.0.count).max() ?? 0
            return lines.map { key, value in
                key + String(repeating: " ", count: width - key.count) + "  " + (value.flatMap { $0.isEmpty ? nil : $0 } ?? "-")
            }.joined(separator: "\n")
        }
    }
}
