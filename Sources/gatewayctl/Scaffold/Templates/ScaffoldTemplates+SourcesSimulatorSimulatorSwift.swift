extension ScaffoldTemplates {
    /// `Sources/{{Module}}Simulator/{{Module}}Simulator.swift` of a generated package.
    static let sourcesSimulatorSimulatorSwift = ScaffoldFile(
        "Sources/{{Module}}Simulator/{{Module}}Simulator.swift",
        #"""
import ChannelKitTesting
import Foundation

/// The example bank on a loopback HTTP server (ChannelKitTesting's `LoopbackHTTPServer`), for the
/// `{{id}}-sim` command and for tests that run the bank in process.
public final class {{Module}}Simulator: Sendable {
    /// The bank's books.
    public let bank: {{Module}}SimulatorBank
    private let server: LoopbackHTTPServer

    /// Starts the bank on 127.0.0.1:`port` (0: a free port) for the merchants (number → key).
    public init(port: Int = 0, merchants: [String: String]) throws {
        let bank = {{Module}}SimulatorBank(merchants: merchants)
        self.bank = bank
        server = try LoopbackHTTPServer(port: port) { request in await bank.handle(request) }
    }

    /// `http://127.0.0.1:PORT`: the channel config's `endpoint`.
    public var url: URL { server.baseURL }
    /// The port it listens on.
    public var port: Int { server.port }

    /// Stops listening.
    public func stop() { server.stop() }
}
"""#)
}
