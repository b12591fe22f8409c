import ArgumentParser
import ChannelKit
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `gateway`: the bank channel gateway process.
@main
struct GatewayCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Bank channel gateway: merchant API in front of bank channel plugins (.so).",
        version: version)

    @Option(help: "Directory of channel config files (*.yaml).")
    var configDir = "channel-configs"

    @Option(help: "Directory of channel plugins (*.so).")
    var pluginsDir = "plugins"

    @Option(help: "Directory for the ledger database.")
    var dataDir = "data"

    @Option(help: "Merchant API listen address.")
    var host = "127.0.0.1"

    @Option(help: "Merchant API port (0 = pick a free port).")
    var port = 8080

    @Option(help: "Admin API listen address (loopback only).")
    var adminHost = "127.0.0.1"

    @Option(help: "Admin API port (0 = pick a free port).")
    var adminPort = 8081

    @Option(help: "Public base URL of the merchant API, used in notification URLs given to banks.")
    var publicURL: String?

    @Option(help: "Write {\"merchant_port\",\"admin_port\",\"pid\"} here once listening.")
    var readyFile: String?

    @Option(help: "Shift the clock channels use for bank request timestamps by this many ms (test environments with a simulated bank clock).")
    var channelClockOffsetMs: Int64 = 0

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        guard ["127.0.0.1", "::1", "localhost"].contains(adminHost) || adminHost.hasPrefix("127.") else {
            throw ValidationError("--admin-host must be a loopback address; the admin API is for local ops only")
        }
        if let publicURL, URL(string: publicURL)?.host == nil {
            throw ValidationError("--public-url must be an absolute http(s) URL")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "gateway")
        let merchantPort = port == 0 ? try FreePort.find(host: host) : port
        let publicBase = URL(string: publicURL ?? "http://\(host):\(merchantPort)")!
        let gateway = try await Gateway.make(
            configuration: Gateway.Configuration(
                configDirectory: URL(fileURLWithPath: configDir), pluginsDirectory: URL(fileURLWithPath: pluginsDir),
                dataDirectory: URL(fileURLWithPath: dataDir), host: host, port: merchantPort, adminHost: adminHost,
                adminPort: adminPort, publicURL: publicBase, readyFile: readyFile, version: Self.version,
                channelClockOffset: .milliseconds(channelClockOffsetMs)),
            logger: logger)
        try await gateway.run()
    }
}
