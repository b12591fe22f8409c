import ChannelKit
import GatewayAPI
import GatewayConfig
import Synchronization

/// The channels and plugins the gateway runs with. Readers take an immutable snapshot in one short critical
/// section; a change (a reload, a toggle, a repeated self-check) publishes a new one. The registry owns each
/// channel's lifecycle: an instance that a change replaces or removes is handed to `retirements`, which
/// `ChannelLifecycleService` drains (in-flight calls finish) and then closes (its transport).
final class ChannelRegistry: Sendable {
    struct Snapshot: Sendable {
        var channels: [String: ChannelEntry]
        var plugins: [PluginRecord]
        var configErrors: [ChannelConfigError]
    }

    private let table: Mutex<Snapshot>
    /// Every channel's circuit breaker (health), beside the snapshots: it changes with every call's outcome.
    let breakers = ChannelBreakers()
    /// Each channel's recent success rate, for routing rules with `prefer: success_rate`.
    let successRates = ChannelSuccessRates()
    /// The routing file's rules (none: every channel that takes a payment, by id).
    private let routingRules = Mutex(RoutingRules())

    var routing: RoutingRules { routingRules.withLock { $0 } }

    func setRouting(_ rules: RoutingRules) { routingRules.withLock { $0 = rules } }
    private let retiring: AsyncStream<ChannelInstance>.Continuation
    /// Instances replaced or removed, in order: drained and closed by `ChannelLifecycleService`.
    let retirements: AsyncStream<ChannelInstance>

    init(channels: [String: ChannelEntry], plugins: [PluginRecord], configErrors: [ChannelConfigError]) {
        table = Mutex(Snapshot(channels: channels, plugins: plugins, configErrors: configErrors))
        (retirements, retiring) = AsyncStream.makeStream(of: ChannelInstance.self)
    }

    /// Everything, as one snapshot.
    var snapshot: Snapshot { table.withLock { $0 } }

    /// All channels, as one snapshot.
    var channels: [String: ChannelEntry] { table.withLock { $0.channels } }

    var plugins: [PluginRecord] { table.withLock { $0.plugins } }

    var configErrors: [ChannelConfigError] { table.withLock { $0.configErrors } }

    /// A channel by id.
    func channel(_ id: String) -> ChannelEntry? { table.withLock { $0.channels[id] } }

    /// Changes one channel's entry in place (same instance: a self-check result, a flag).
    func update(_ id: String, _ change: (inout ChannelEntry) -> Void) {
        table.withLock { table in
            guard var entry = table.channels[id] else { return }
            change(&entry)
            table.channels[id] = entry
        }
    }

    /// Publishes `entry` (new, or replacing the channel of the same id). A replaced instance is retired.
    func publish(_ entry: ChannelEntry) {
        let old = table.withLock { table in
            let old = table.channels[entry.id]?.instance
            table.channels[entry.id] = entry
            return old
        }
        if let old, old !== entry.instance { retiring.yield(old) }
    }

    /// Stops a retired channel that has nothing open: its entry stays (state `stopped`), its instance is retired.
    func stop(_ id: String) {
        let old: ChannelInstance? = table.withLock { table in
            guard var entry = table.channels[id] else { return nil }
            let old = entry.instance
            entry.instance = nil
            entry.state = .stopped
            entry.error = nil
            table.channels[id] = entry
            return old
        }
        if let old { retiring.yield(old) }
    }

    /// Removes a channel; its instance is retired.
    func remove(_ id: String) {
        let old = table.withLock { $0.channels.removeValue(forKey: id)?.instance }
        if let old { retiring.yield(old) }
    }

    /// Replaces the plugin records (after a rescan, an install or a pin).
    func setPlugins(_ records: [PluginRecord]) {
        table.withLock { $0.plugins = records }
    }

    /// Replaces the config errors of `files` (the files just read) with `errors`; other files' stay.
    func setConfigErrors(_ errors: [ChannelConfigError], forFiles files: Set<String>) {
        table.withLock { table in
            table.configErrors = table.configErrors.filter { !files.contains($0.file) } + errors
            table.configErrors.sort { ($0.file, $0.key ?? "") < ($1.file, $1.key ?? "") }
        }
    }

    /// Pins the channel `id` for one request: its entry and its instance, entered (see `PinnedChannel`).
    /// nil when there is no such channel or it has no instance.
    func pin(_ id: String) -> PinnedChannel? {
        var refused: ChannelInstance?
        while true {
            guard let entry = channel(id), let instance = entry.instance, instance !== refused else { return nil }
            if instance.enter() { return PinnedChannel(entry: entry, instance: instance) }
            // Retired between the read and the enter: a newer instance has been published; read again. (Still
            // the same one: it is being closed at shutdown; there is none to pin.)
            refused = instance
        }
    }

    /// Pins the first (by id) online, ready channel that takes `amount` within its bounds.
    /// Stops handing out retirements (at shutdown).
    func finishRetirements() { retiring.finish() }

    /// The admin API's view.
    var adminView: AdminChannelsResponse {
        let snapshot = self.snapshot
        return AdminChannelsResponse(
            channels: snapshot.channels.values.sorted { $0.id < $1.id }.map(adminChannel),
            plugins: snapshot.plugins.map(Self.adminPlugin),
            configErrors: snapshot.configErrors.map(Self.adminConfigError))
    }

    static func adminConfigError(_ error: ChannelConfigError) -> AdminConfigError {
        AdminConfigError(file: error.file, key: error.key, line: error.line, message: error.message)
    }

    /// The admin view of a channel with its breaker.
    func adminChannel(_ entry: ChannelEntry) -> AdminChannel {
        var channel = Self.adminChannel(entry)
        let view = breakers.view(entry.id)
        channel.breaker = AdminBreaker(
            state: view.phase.rawValue, mode: view.forced.map { "forced_\($0.forced.rawValue)" } ?? "auto",
            degraded: view.refusesPayments, reason: view.reason, trippedAt: view.trippedAt.map(JSONBody.timestamp),
            consecutiveFailures: view.consecutiveFailures, trips: view.trips, forcedBy: view.forced?.by,
            forcedReason: view.forced?.reason, forcedAt: view.forced.map { JSONBody.timestamp($0.at) })
        if let recent = successRates.rate(entry.id) {
            channel.breaker?.recentSuccessRate = (recent.rate * 1000).rounded() / 1000
            channel.breaker?.recentAttempts = recent.attempts
        }
        return channel
    }

    static func adminChannel(_ entry: ChannelEntry) -> AdminChannel {
        AdminChannel(
            id: entry.id, plugin: entry.pluginId, pluginVersion: entry.pluginVersion, online: entry.online,
            state: entry.state, error: entry.error, configFile: entry.configFile,
            currencies: entry.currencies.map(\.code),
            limits: entry.limits.map {
                AdminCurrencyLimit(currency: $0.currency.code, minimum: $0.minimumMinorUnits, maximum: $0.maximumMinorUnits)
            },
            endpoint: entry.endpoint.absoluteString,
            selfCheck: entry.selfCheck.map { check in
                AdminSelfCheck(
                    status: AdminSelfCheck.Status(check.status), detail: check.detail,
                    checkedAt: entry.selfCheckedAt.map(JSONBody.timestamp) ?? "")
            }, retired: entry.retired, note: entry.note, inFlight: entry.instance?.inFlight ?? 0)
    }

    static func adminPlugin(_ record: PluginRecord) -> AdminPlugin {
        let history = record.history.map { AdminPluginStep(state: $0.state, at: JSONBody.timestamp($0.at)) }
        switch record.state {
        case .started(let info, _, let manifest), .superseded(let info, _, let manifest):
            return AdminPlugin(
                file: record.fileName, id: manifest.id, version: manifest.version, state: record.state.name,
                errorCode: nil, error: nil, channelKitAPI: info.channelKitAPI, swiftCompiler: info.swiftCompiler,
                history: history,
                statements: manifest.statements.map {
                    AdminStatementSupport(
                        format: $0.format, timeZone: $0.timeZoneIdentifier,
                        availableAfterSeconds: $0.availableAfterDayEnd.components.seconds)
                })
        case .failed(let failure, let info):
            return AdminPlugin(
                file: record.fileName, id: failure.pluginId, version: failure.pluginVersion, state: .failed,
                errorCode: failure.code.rawValue, error: failure.reason, channelKitAPI: info?.channelKitAPI,
                swiftCompiler: info?.swiftCompiler, history: history, failedAfter: record.failedAfter)
        case .checked(let info):
            return AdminPlugin(
                file: record.fileName, id: nil, version: nil, state: .checked, errorCode: nil, error: nil,
                channelKitAPI: info.channelKitAPI, swiftCompiler: info.swiftCompiler, history: history)
        case .loaded, .discovered:
            return AdminPlugin(
                file: record.fileName, id: nil, version: nil, state: record.state.name, errorCode: nil, error: nil,
                channelKitAPI: nil, swiftCompiler: nil, history: history)
        }
    }
}

extension AdminSelfCheck.Status {
    init(_ status: SelfCheckResult.Status) {
        switch status {
        case .passed: self = .passed
        case .failed: self = .failed
        case .notChecked: self = .notChecked
        }
    }
}
