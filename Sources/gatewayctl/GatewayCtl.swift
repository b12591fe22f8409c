import ArgumentParser

/// `gatewayctl`: the command line for a running gateway: its admin API for ops, and signed merchant API
/// requests for trying the gateway out and checking a merchant's signing.
@main
struct GatewayCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatewayctl",
        abstract: "Inspect a running payments gateway, and send it signed merchant requests.",
        discussion: """
            channels, config reload and health use the admin API, which listens on loopback only. Point gatewayctl at it \
            with --admin-url or the GATEWAY_ADMIN_URL environment variable (default \(AdminURL.fallback)). \
            Everything under /admin/ needs an admin bearer token (one of the gateway's --admin-tokens file): \
            --admin-token-file PATH, GATEWAY_ADMIN_TOKEN or GATEWAY_ADMIN_TOKEN_FILE.

            sign, pay, payment and refund speak the merchant API as a merchant: --merchant-id names it and \
            --secret-env the environment variable holding its secret (never printed). pay, payment and refund go to \
            --url or GATEWAY_URL (default \(MerchantURL.fallback)). See docs/MERCHANT-AUTH.md.

            Exit codes:
              0   success
              2   `recon run` found breaks or findings; `statements fetch` found issues
              3   the gateway cannot be reached (gateway not running, wrong URL, timeout)
              4   HTTP error (e.g. 401 invalid_signature), unreadable answer, or not ok
              5   the admin API refused the request: no admin token, or not one of the gateway's
              6   a config error: `config check` or `config reload` found a refused file, or a direct edit
                  (`channels offline … --config-dir`) was refused
              7   `plugins inspect`: a file would be refused by this gateway
              8   `channels`: a plugin file failed, a config file was refused, or an online channel is not
                  ready (listed under PROBLEMS)
              66  `plugins inspect`: no such file, or not readable
              64  invalid command line (e.g. the --secret-env variable is not set)
            """,
        version: "0.1.0",
        subcommands: [
            Channels.self, Config.self, Plugins.self, Payments.self, Recon.self, Statements.self, Limits.self, Health.self,
            Sign.self, Pay.self, Payment.self, Refund.self,
        ]
    )
}
