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
        var channelClockOffset: Duration = .zero
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
            transportFactory: { transports.make($0) }, clock: OffsetChannelClock(offset: configuration.channelClockOffset),
            logger: logger)
        let registry = await bootstrapper.bootstrap(plugins: plugins)
        let store = try SQLitePaymentStore(directory: configuration.dataDirectory)
        let payments = PaymentService(store: store, registry: registry, logger: logger)
        return Gateway(
            configuration: configuration, registry: registry, payments: payments, transports: transports, logger: logger)
    }

    /// The merchant API's router (also used by the test that checks every route is in docs/openapi.yaml).
    static func merchantRouter(payments: PaymentService) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        MerchantAPI(payments: payments).addRoutes(to: router)
        return router
    }

    /// The admin API's router (routes documented in docs/admin-openapi.yaml).
    static func adminRouter(_ api: AdminAPI) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        api.addRoutes(to: router)
        return router
    }

    func run() async throws {
        let reporter = ReadyReporter(path: configuration.readyFile) { [logger] merchantPort, adminPort in
            logger.info("gateway ready", metadata: ["merchant_port": "\(merchantPort)", "admin_port": "\(adminPort)"])
        }

        let merchantRouter = Self.merchantRouter(payments: payments)
        let merchantApp = Application(
            router: merchantRouter,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await reporter.merchantListening(on: channel.localAddress?.port ?? 0) },
            logger: logger)

        let adminRouter = Self.adminRouter(
            AdminAPI(
                registry: registry, version: configuration.version,
                statements: StatementFetcher(
                    registry: registry, directory: configuration.dataDirectory.appendingPathComponent("statements"))))
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
