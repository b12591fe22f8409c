import ArgumentParser

/// `gatewayctl`: the operator's command line for a running gateway, talking to its admin API.
@main
struct GatewayCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatewayctl",
        abstract: "Inspect a running payments gateway through its admin API.",
        discussion: """
            The admin API listens on loopback only. Point gatewayctl at it with --admin-url or the \
            GATEWAY_ADMIN_URL environment variable (default \(AdminURL.fallback)).

            Exit codes:
              0   success
              3   the admin API cannot be reached (gateway not running, wrong URL, timeout)
              4   the admin API answered with an HTTP error, an unreadable answer, or not ok
              64  invalid command line
            """,
        version: "0.1.0",
        subcommands: [Channels.self, Health.self]
    )
}
