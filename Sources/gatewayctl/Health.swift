import ArgumentParser
import GatewayAPI

extension GatewayCtl {
    /// `gatewayctl health`: is the gateway up, and which version.
    struct Health: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that the gateway is up (GET /healthz).",
            discussion: """
                Prints the status, the gateway version and its ChannelKit API version.
                Exit codes: 0 status ok, 3 gateway unreachable, 4 HTTP error, unreadable answer or status \
                not ok, 64 usage.
                """
        )

        @OptionGroup var options: GlobalOptions

        static let path = "/healthz"

        func run() async throws {
            let body = try await options.fetch(Self.path)
            let health = try options.decode(AdminHealth.self, from: body, path: Self.path)
            if options.json {
                options.printJSON(body)
            } else {
                print("\(health.status)  gateway \(health.version)  ChannelKit API \(health.channelKitAPI)")
            }
            if health.status != "ok" {
                throw GlobalOptions.fail(.notOK(status: health.status))
            }
        }
    }
}
