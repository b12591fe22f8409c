import ArgumentParser
import Foundation
import GatewayAPI

extension GatewayCtl.Channels {
    /// `gatewayctl channels breaker ID open|closed|auto`.
    struct Breaker: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Force a channel's circuit breaker open or closed, or give it back to auto (POST /admin/channels/ID/breaker/STATE).",
            discussion: """
                open: the channel takes no new payments (routing skips it; a payment that names it gets 503 \
                channel_degraded), while its refunds, queries, recovery and notifications go on. closed: new \
                payments go to it whatever its failures. auto: the breaker opens and closes by itself again \
                (breaker: in its config file). Kept in the ledger: every gateway on the database applies it within \
                1 s, and it survives restarts. Offline (config) wins over a forced-closed breaker.
                Exit codes: 0 set, 3 gateway unreachable, 4 HTTP error (404 unknown_channel) or unreadable answer, \
                5 admin token missing or refused, 64 usage.
                """)

        enum State: String, ExpressibleByArgument, CaseIterable {
            case open, closed, auto
        }

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The channel id.")
        var id: String

        @Argument(help: "open, closed or auto.")
        var state: State

        @Option(help: ArgumentHelp("Why (shown with who and when).", valueName: "text"))
        var reason: String?

        func run() async throws {
            let body = try JSONEncoder().encode(AdminChannelChange(reason: reason))
            let path = "/admin/channels/\(id)/breaker/\(state.rawValue)"
            switch try await options.tryPost(path, body: Array(body)) {
            case .success(let answer):
                if options.json { return options.printJSON(answer) }
                let result = try options.decode(AdminChannelChangeResult.self, from: answer, path: path)
                let breaker = result.channel.breaker
                print(
                    "channel \(result.channel.id): breaker \(breaker?.mode ?? state.rawValue) (state \(breaker?.state ?? "?")"
                        + "\(breaker?.degraded == true ? ", degraded" : "")), set by \(result.changedBy)")
            case .failure(let error):
                throw GlobalOptions.fail(error)
            }
        }
    }
}
