import ArgumentParser

extension GatewayCtl.Channels {
    /// `gatewayctl channels retire ID`.
    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire a channel (POST /admin/channels/ID/retire).",
            discussion: """
                Writes `retired: true` into the channel's config file (only that line changes; who, when and the \
                reason become its comment) and applies it live: it takes no new payments, keeps serving refunds, recovery and notifications of what is open on it, and stops once nothing is open; then its file may be deleted.
                \(ChannelChangeHelp.exitCodes)
                """
        )

        @OptionGroup var change: ChannelChange

        func run() async throws {
            try await change.run(action: "retire", key: "retired", value: true)
        }
    }
}
