import ArgumentParser

extension GatewayCtl {
    /// `gatewayctl statements …`: a channel's bank statements.
    struct Statements: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download and parse a channel's bank statement through its plugin.",
            subcommands: [Fetch.self]
        )
    }
}
