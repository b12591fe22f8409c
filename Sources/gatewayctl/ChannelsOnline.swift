import ArgumentParser

extension GatewayCtl.Channels {
    /// `gatewayctl channels online ID`.
    struct Online: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a channel back online (POST /admin/channels/ID/online).",
            discussion: """
                Writes `online: true` into the channel's config file (only that line changes; who, when and the \
                reason become its comment) and applies it live: new payments may use it again within 1 s.
                \(ChannelChangeHelp.exitCodes)
                """
        )

        @OptionGroup var change: ChannelChange

        func run() async throws {
            try await change.run(action: "online", key: "online", value: true)
        }
    }
}
