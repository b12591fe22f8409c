import ChannelKit
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Assembles the gateway: plugins, channels, ledger, payments core, the two listeners, and runs them as
/// services of one ServiceGroup (SIGTERM/SIGINT: stop accepting, finish in-flight requests, exit).
struct Gateway: Sendable {
    struct Configuration: Sendable {
        var configDirectory: URL
        var pluginsDirectory: URL
        var dataDirectory: URL
        var host: String
        var port: Int
        var adminHost: String
        var adminPort: Int
        var publicURL: URL
        var readyFile: String?
        var version: String
        var environment: [String: String] = ProcessInfo.processInfo.environment
    }

    var configuration: Configuration
    var registry: ChannelRegistry
    var payments: PaymentService
    var transports: TransportRegistry
    var logger: Logger

    static func make(configuration: Configuration, logger: Logger) async throws -> Gateway {
        let plugins = PluginManager(repository: PluginRepository(directory: configuration.pluginsDirectory), logger: logger)
            .loadAll()
        let transports = TransportRegistry()
        let bootstrapper = ChannelBootstrapper(
            configDirectory: configuration.configDirectory, publicURL: configuration.publicURL,
            credentials: CredentialResolver(environment: configuration.environment),
            transportFactory: { transports.make($0) }, logger: logger)
        let registry = await bootstrapper.bootstrap(plugins: plugins)
        let store = try SQLitePaymentStore(directory: configuration.dataDirectory)
        let payments = PaymentService(store: store, registry: registry, logger: logger)
        return Gateway(
            configuration: configuration, registry: registry, payments: payments, transports: transports, logger: logger)
    }

    func run() async throws {
        let reporter = ReadyReporter(path: configuration.readyFile) { [logger] merchantPort, adminPort in
            logger.info("gateway ready", metadata: ["merchant_port": "\(merchantPort)", "admin_port": "\(adminPort)"])
        }

        let merchantRouter = Router(context: BasicRequestContext.self)
        merchantRouter.add(middleware: ErrorMiddleware())
        MerchantAPI(payments: payments).addRoutes(to: merchantRouter)
        let merchantApp = Application(
            router: merchantRouter,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await reporter.merchantListening(on: channel.localAddress?.port ?? 0) },
            logger: logger)

        let adminRouter = Router(context: BasicRequestContext.self)
        adminRouter.add(middleware: ErrorMiddleware())
        AdminAPI(registry: registry, version: configuration.version).addRoutes(to: adminRouter)
        let adminApp = Application(
            router: adminRouter,
            configuration: .init(address: .hostname(configuration.adminHost, port: configuration.adminPort), serverName: nil),
            onServerRunning: { channel in await reporter.adminListening(on: channel.localAddress?.port ?? 0) },
            logger: logger)

        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: TransportShutdownService(transports: transports.all)),
                    .init(service: adminApp),
                    .init(service: merchantApp),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
