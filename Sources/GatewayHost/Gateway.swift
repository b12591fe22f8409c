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
        /// Serve the admin API on this Unix socket instead of `adminHost:adminPort`.
        var adminSocket: String? = nil
        var publicURL: URL
        var readyFile: String?
        var version: String
        var channelClockOffset: Duration = .zero
        var environment: [String: String] = ProcessInfo.processInfo.environment
        /// The merchants file (`--merchants`).
        var merchantsFile: URL
        /// The admin tokens file (`--admin-tokens`); without one every `/admin/` request is refused.
        var adminTokensFile: URL?
        /// `postgres://…`: use PostgreSQL instead of the embedded SQLite ledger.
        var databaseURL: String?
        var payments = PaymentService.Configuration()
        /// nil: no recovery worker (tests of notifications switch it off).
        var recovery: RecoveryWorker.Configuration? = .init()
        var webhooks: WebhookDispatcher.Configuration? = .init()
        /// How often the config directory is read for changes; nil: only on SIGHUP and `config reload`.
        var configPollInterval: Duration? = .milliseconds(250)
        /// This node's name in reconciliation runs and job leases.
        var nodeName: String = "\(ProcessInfo.processInfo.hostName)/\(getpid())"
        var reconciliation = ReconciliationScheduler.Configuration()
        /// The ledger's clock (shifted only by `--clock-offset-ms` in tests).
        var clock: @Sendable () -> Date = { Date() }
    }

    var configuration: Configuration
    var registry: ChannelRegistry
    var payments: PaymentService
    var merchants: MerchantRegistry
    var adminTokens: AdminTokens
    var reloader: ChannelConfigReloader
    /// The PostgreSQL ledger, whose connection pool runs as a service; nil with SQLite.
    var postgres: PostgresPaymentStore?
    var logger: Logger

    static func make(configuration: Configuration, logger: Logger) async throws -> Gateway {
        let manager = PluginManager(repository: PluginRepository(directory: configuration.pluginsDirectory), logger: logger)
        let (pins, pinsProblem) = PluginPins.load(from: configuration.pluginsDirectory)
        if let pinsProblem { logger.error("plugin pins ignored", metadata: ["reason": "\(pinsProblem)"]) }
        let (plugins, problems) = PluginSelection.apply(pins, to: manager.loadAll())
        for problem in problems { logger.error("plugin pin not applied", metadata: ["reason": "\(problem)"]) }
        for record in plugins {
            if case .superseded(_, _, let manifest) = record.state {
                logger.notice(
                    "plugin superseded: another version of it serves",
                    metadata: ["file": "\(record.fileName)", "plugin": "\(manifest.id)", "version": "\(manifest.version)"])
            }
        }
        let bootstrapper = ChannelBootstrapper(
            configDirectory: configuration.configDirectory, publicURL: configuration.publicURL,
            credentials: CredentialResolver(environment: configuration.environment),
            clock: OffsetChannelClock(offset: configuration.channelClockOffset), logger: logger)
        let merchants = try MerchantRegistry(file: configuration.merchantsFile, environment: configuration.environment)
        logger.info("merchants loaded", metadata: ["count": "\(merchants.directory.ids.count)"])
        let adminTokens: AdminTokens
        if let file = configuration.adminTokensFile {
            adminTokens = try AdminTokens.load(file: file, environment: configuration.environment)
            logger.info("admin tokens loaded", metadata: ["names": "\(adminTokens.names.joined(separator: ","))"])
        } else {
            adminTokens = .none
            logger.warning("no --admin-tokens file: every /admin/ request is refused (401); /healthz and /metrics stay open")
        }
        // The channels are built by the same reload that later applies every change to the config directory.
        let registry = ChannelRegistry(channels: [:], plugins: plugins, configErrors: [])
        let reloader = ChannelConfigReloader(
            registry: registry, bootstrapper: bootstrapper, merchants: merchants, plugins: manager,
            pins: pins, logger: logger)
        await reloader.reload()
        let store: any PaymentStore
        var postgres: PostgresPaymentStore?
        if let url = configuration.databaseURL {
            let pg = try PostgresPaymentStore(url: url, logger: logger)
            postgres = pg
            store = pg
        } else {
            store = try SQLitePaymentStore(directory: configuration.dataDirectory)
        }
        let payments = PaymentService(
            store: store, registry: registry, merchants: merchants, configuration: configuration.payments,
            logger: logger, now: configuration.clock)
        return Gateway(
            configuration: configuration, registry: registry, payments: payments, merchants: merchants,
            adminTokens: adminTokens, reloader: reloader, postgres: postgres, logger: logger)
    }

    /// The merchant API's router (also used by the test that checks every route is in docs/openapi.yaml).
    static func merchantRouter(payments: PaymentService, merchants: MerchantRegistry) -> Router<MerchantRequestContext> {
        let router = Router(context: MerchantRequestContext.self)
        router.add(middleware: RequestIdMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: MerchantAuthenticator(merchants: merchants, store: payments.store))
        MerchantAPI(payments: payments).addRoutes(to: router)
        return router
    }

    /// The admin API's router (routes documented in docs/admin-openapi.yaml); `/admin/` needs a bearer token.
    static func adminRouter(_ api: AdminAPI, tokens: AdminTokens) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestIdMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AdminAuthenticator(tokens: tokens))
        api.addRoutes(to: router)
        return router
    }

    /// Runs until SIGTERM/SIGINT. Everything long-running — the PostgreSQL pool included — is a service of one
    /// ServiceGroup, so it stops in order: the merchant listener first, the ledger pool last.
    func run() async throws {
        try await serve()
    }

    private func serve() async throws {
        let reporter = ReadyReporter(path: configuration.readyFile) { [logger] merchantPort, adminPort in
            logger.info("gateway ready", metadata: ["merchant_port": "\(merchantPort)", "admin_port": "\(adminPort)"])
        }

        let merchantRouter = Self.merchantRouter(payments: payments, merchants: merchants)
        let merchantApp = Application(
            router: merchantRouter,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await reporter.merchantListening(on: channel.localAddress?.port ?? 0) },
            logger: logger)

        let reconciliation = ReconciliationService(
            registry: registry, payments: payments, store: payments.store, dataDirectory: configuration.dataDirectory,
            node: configuration.nodeName, logger: logger, now: configuration.clock)
        let adminRouter = Self.adminRouter(
            AdminAPI(
                registry: registry, reloader: reloader, payments: payments, version: configuration.version,
                statements: StatementFetcher(
                    registry: registry, directory: configuration.dataDirectory.appendingPathComponent("statements")),
                reconciliation: reconciliation),
            tokens: adminTokens)
        let adminSocket = configuration.adminSocket
        let adminApp = Application(
            router: adminRouter,
            configuration: .init(
                address: adminSocket.map { .unixDomainSocket(path: $0) }
                    ?? .hostname(configuration.adminHost, port: configuration.adminPort),
                serverName: nil),
            onServerRunning: { channel in
                // Only this user may connect to the socket (the tokens are still required).
                if let adminSocket { chmod(adminSocket, 0o600) }
                await reporter.adminListening(on: channel.localAddress?.port ?? 0)
            },
            logger: logger)

        // Started in this order, stopped in reverse: the merchant listener first, the channels' transports
        // (drained) next to last, the ledger pool last. With PostgreSQL, nothing that uses the ledger starts
        // before its migrations are done.
        var ledger: [ServiceGroupConfiguration.ServiceConfiguration] = []
        let gate: StartGate
        if let postgres {
            gate = StartGate()
            ledger.append(.init(service: PostgresPoolService(store: postgres)))
            ledger.append(.init(service: LedgerMigrationService(store: postgres, gate: gate, logger: logger)))
        } else {
            gate = StartGate(open: true)
        }
        func gated(_ service: some Service) -> ServiceGroupConfiguration.ServiceConfiguration {
            .init(service: AfterGate(gate: gate, service: service))
        }
        var services = ledger
        services.append(gated(ChannelLifecycleService(registry: registry, logger: logger)))
        services.append(gated(LedgerMaintenance(payments: payments, logger: logger)))
        services.append(gated(ChannelSelfCheckService(registry: registry, logger: logger)))
        // The merchant listener starts once the forced breaker states were read: a channel forced open before a
        // restart takes no payment after it.
        let breakersRead = StartGate()
        services.append(
            gated(BreakerSyncService(store: payments.store, breakers: registry.breakers, logger: logger, firstSync: breakersRead)))
        services.append(gated(ChannelRetirementService(registry: registry, store: payments.store, logger: logger)))
        services.append(
            gated(ReconciliationScheduler(service: reconciliation, configuration: configuration.reconciliation, logger: logger)))
        services.append(gated(ConfigWatcher(reloader: reloader, interval: configuration.configPollInterval, logger: logger)))
        if let recovery = configuration.recovery {
            services.append(gated(RecoveryWorker(payments: payments, configuration: recovery, logger: logger)))
        } else {
            logger.warning("the recovery worker is switched off: open payments are resolved only by notifications")
        }
        if let webhooks = configuration.webhooks {
            services.append(
                gated(WebhookDispatcher(payments: payments, merchants: merchants, configuration: webhooks, logger: logger)))
        }
        services.append(gated(adminApp))
        services.append(.init(service: AfterGate(gate: breakersRead, service: AfterGate(gate: gate, service: merchantApp))))
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
