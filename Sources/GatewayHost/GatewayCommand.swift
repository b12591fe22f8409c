import ArgumentParser
import ChannelKit
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `gateway`: the bank channel gateway process (`gateway serve`, the default), and its data tools.
@main
struct GatewayMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Bank channel gateway: merchant API in front of bank channel plugins (.so).",
        version: GatewayCommand.version,
        subcommands: [GatewayCommand.self, ReconGenerateCommand.self],
        defaultSubcommand: GatewayCommand.self)
}

/// `gateway serve`: runs the gateway.
struct GatewayCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway (the default command).",
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

    @Option(
        help: """
            Serve the admin API on this Unix socket (mode 0600: only this user can connect) instead of \
            --admin-host/--admin-port. Bearer tokens are still required.
            """)
    var adminSocket: String?

    @Option(help: "Public base URL of the merchant API, used in notification URLs given to banks.")
    var publicURL: String?

    @Option(help: "Write {\"merchant_port\",\"admin_port\",\"pid\"} here once listening.")
    var readyFile: String?

    @Option(help: "Shift the clock channels use for bank request timestamps by this many ms (test environments with a simulated bank clock).")
    var channelClockOffsetMs: Int64 = 0

    @Option(help: "The merchants file (YAML: id, secret_env|secret_file, notify_url); see docs/MERCHANT-AUTH.md.")
    var merchants = "merchants.yaml"

    @Option(help: "The admin tokens file (YAML: tokens: [{name, token_env|token_file}]); every /admin/ request needs one of its tokens as a bearer token. Without it the admin API refuses every /admin/ request. Also GATEWAY_ADMIN_TOKENS.")
    var adminTokens: String?

    @Option(help: "postgres://user@host:port/db: keep the ledger in PostgreSQL (several gateways may share it). Default: SQLite under --data-dir. Also GATEWAY_DATABASE_URL.")
    var databaseURL: String?

    @Option(help: "Seconds between recovery checks of an open payment, comma-separated; the last repeats.")
    var recoverySchedule = "1,2,5,10,30,60,120,300"

    @Option(help: "How often the recovery worker looks for due checks, in milliseconds.")
    var recoveryPollMs = 250

    @Option(
        help: """
            How often the config directory is read for changes, in milliseconds (0: only on SIGHUP and \
            `gatewayctl config reload`).
            """)
    var configPollMs = 250

    @Flag(help: "Do not run the recovery worker (open payments are then resolved only by bank notifications).")
    var noRecovery = false

    @Option(help: "Seconds after which an open payment or refund is flagged for ops (needs_attention, metric).")
    var pendingAlertAfter = 900

    @Option(help: "Longest a copy of a request waits for the first copy's bank call, in ms (default: the channel's timeouts + 5 s).")
    var inFlightWaitMs: Int?

    @Option(help: "Delay before the second webhook attempt in ms; doubles with each further attempt (capped at 1 h).")
    var webhookRetryBaseMs = 5000

    @Option(help: "Webhook attempts before an event is given up.")
    var webhookMaxAttempts = 12

    @Option(help: "Webhook request timeout in ms.")
    var webhookTimeoutMs = 10000

    @Option(help: "Shift the gateway's own clock (ledger times, recovery schedule, finality windows) by this many ms. For test environments that simulate elapsed time; never in production.")
    var clockOffsetMs: Int64 = 0

    @Option(help: "This node's name in reconciliation runs and job leases (default: host/pid).")
    var nodeName: String?

    @Option(help: "How often scheduled reconciliation jobs are looked for, in ms (0 = never).")
    var reconPollMs = 30_000

    @Option(help: "How long a claimed reconciliation job is this node's, in ms (renewed while the run goes on; another node takes it over after it expires).")
    var reconLeaseMs = 120_000

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: "Log format: text (one line per entry) or json (one JSON object per line, for log shippers).")
    var logFormat = "text"

    func validate() throws {
        guard ["127.0.0.1", "::1", "localhost"].contains(adminHost) || adminHost.hasPrefix("127.") else {
            throw ValidationError("--admin-host must be a loopback address; the admin API is for local ops only")
        }
        if let adminSocket, !adminSocket.hasPrefix("/") || adminSocket.utf8.count > 100 {
            throw ValidationError("--admin-socket must be an absolute path of at most 100 bytes")
        }
        if let publicURL, URL(string: publicURL)?.host == nil {
            throw ValidationError("--public-url must be an absolute http(s) URL")
        }
        guard (try? Self.schedule(recoverySchedule)) != nil else {
            throw ValidationError("--recovery-schedule must be positive seconds separated by commas, e.g. 1,2,5,10")
        }
        guard logFormat == "text" || logFormat == "json" else {
            throw ValidationError("--log-format must be text or json, not '\(logFormat)'")
        }
        guard configPollMs >= 0 else { throw ValidationError("--config-poll-ms must be 0 or more") }
        guard reconPollMs >= 0, reconLeaseMs >= 300 else {
            throw ValidationError("--recon-poll-ms must be 0 or more and --recon-lease-ms at least 300")
        }
        guard recoveryPollMs > 0, pendingAlertAfter > 0, webhookRetryBaseMs > 0, webhookMaxAttempts > 0, webhookTimeoutMs > 0
        else { throw ValidationError("intervals, ages and attempt counts must be positive") }
        if let inFlightWaitMs, inFlightWaitMs < 0 { throw ValidationError("--in-flight-wait-ms must not be negative") }
    }

    static func schedule(_ text: String) throws -> [Duration] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = try parts.map { part -> Duration in
            guard let seconds = Double(part), seconds > 0, seconds <= 86_400 else { throw ValidationError("bad schedule") }
            return .milliseconds(Int64(seconds * 1000))
        }
        guard !values.isEmpty else { throw ValidationError("bad schedule") }
        return values
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        // Every log line written inside a merchant or admin request carries its request_id (RequestId).
        let json = logFormat == "json"
        LoggingSystem.bootstrap(
            { label, provider in
                if json {
                    var handler = JSONLogHandler(label: label, metadataProvider: provider)
                    handler.logLevel = level
                    return handler
                }
                var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
                handler.logLevel = level
                return handler
            }, metadataProvider: RequestId.metadataProvider)
        let logger = Logger(label: "gateway")
        MetricsSystem.bootstrap(PrometheusMetricsFactory())
        let environment = ProcessInfo.processInfo.environment
        var payments = PaymentService.Configuration()
        payments.recoverySchedule = try Self.schedule(recoverySchedule)
        payments.pendingAlertAge = .seconds(pendingAlertAfter)
        payments.inFlightWait = inFlightWaitMs.map { .milliseconds($0) }
        let offset = TimeInterval(clockOffsetMs) / 1000
        if clockOffsetMs != 0 { logger.warning("gateway clock shifted", metadata: ["offset_ms": "\(clockOffsetMs)"]) }
        var recovery = RecoveryWorker.Configuration()
        recovery.pollInterval = .milliseconds(recoveryPollMs)
        var webhooks = WebhookDispatcher.Configuration()
        webhooks.retryBase = .milliseconds(webhookRetryBaseMs)
        webhooks.maxAttempts = webhookMaxAttempts
        webhooks.timeout = .milliseconds(webhookTimeoutMs)
        var reconciliation = ReconciliationScheduler.Configuration()
        reconciliation.pollInterval = reconPollMs > 0 ? .milliseconds(reconPollMs) : nil
        reconciliation.leaseDuration = .milliseconds(reconLeaseMs)
        let merchantPort = port == 0 ? try FreePort.find(host: host) : port
        let publicBase = URL(string: publicURL ?? "http://\(host):\(merchantPort)")!
        var configuration = Gateway.Configuration(
                configDirectory: URL(fileURLWithPath: configDir), pluginsDirectory: URL(fileURLWithPath: pluginsDir),
                dataDirectory: URL(fileURLWithPath: dataDir), host: host, port: merchantPort, adminHost: adminHost,
                adminPort: adminPort, adminSocket: adminSocket, publicURL: publicBase, readyFile: readyFile, version: Self.version,
                channelClockOffset: .milliseconds(channelClockOffsetMs), environment: environment,
                merchantsFile: URL(fileURLWithPath: merchants),
                adminTokensFile: (adminTokens ?? environment["GATEWAY_ADMIN_TOKENS"]).map { URL(fileURLWithPath: $0) },
                databaseURL: databaseURL ?? environment["GATEWAY_DATABASE_URL"], payments: payments,
                recovery: noRecovery ? nil : recovery, webhooks: webhooks,
                configPollInterval: configPollMs > 0 ? .milliseconds(configPollMs) : nil, clock: { Date() + offset })
        if let nodeName { configuration.nodeName = nodeName }
        configuration.reconciliation = reconciliation
        let gateway = try await Gateway.make(configuration: configuration, logger: logger)
        try await gateway.run()
    }
}
