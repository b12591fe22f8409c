import ArgumentParser

extension GatewayCtl {
    /// `gatewayctl config …`: reload the running gateway's config directory, or check one offline.
    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reload the gateway's channel configs now, or check a config directory without a gateway.",
            subcommands: [Reload.self, Check.self]
        )
    }
}
