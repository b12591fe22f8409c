import ArgumentParser

/// `haixi-sim`: a faithful simulator of the Haixi City Commercial Bank online payment message interface v1.8,
/// and the key generator its demos and tests use.
@main
struct HaixiSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haixi-sim",
        abstract: "Simulates the Haixi City Commercial Bank payment interface (XML, RSA-SHA256, v1.8) for tests and demos.",
        subcommands: [Serve.self, Keygen.self],
        defaultSubcommand: Serve.self)
}
