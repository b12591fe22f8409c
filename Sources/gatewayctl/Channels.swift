import ArgumentParser

extension GatewayCtl {
    /// `gatewayctl channels …`: the channel table, one channel, and the live online/offline/retire toggles.
    struct Channels: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List and show channels; take them online, offline, or retire them, live.",
            subcommands: [List.self, Show.self, Online.self, Offline.self, Retire.self, Breaker.self],
            defaultSubcommand: List.self
        )
    }
}
