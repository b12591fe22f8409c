import ArgumentParser

extension GatewayCtl.Channels {
    /// `gatewayctl channels offline ID`.
    struct Offline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a channel offline (POST /admin/channels/ID/offline).",
            discussion: """
                Writes `online: false` into the channel's config file (only that line changes; who, when and the \
                reason become its comment) and applies it live: new payments stop going to it within 1 s; payments in flight finish, and its refunds, queries, recovery and bank notifications keep working. A payment that names it gets channel_offline.
                \(ChannelChangeHelp.exitCodes)
                """
        )

        @OptionGroup var change: ChannelChange

        func run() async throws {
            try await change.run(action: "offline", key: "online", value: false)
        }
    }
}
