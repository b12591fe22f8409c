import ChannelKit
import GatewayAPI
import Synchronization

/// The channels and plugins the gateway runs with: built and validated at start, then read by every
/// request. The channel table is an immutable dictionary swapped whole under a lock, so a reader takes a
/// consistent snapshot in one short critical section; the only writer today is `ChannelSelfCheckService`
/// (a channel whose self-check failed becomes ready once its bank answers).
final class ChannelRegistry: Sendable {
    private let table: Mutex<[String: ChannelEntry]>
    let plugins: [PluginRecord]
    let configErrors: [ChannelConfigError]

    init(channels: [String: ChannelEntry], plugins: [PluginRecord], configErrors: [ChannelConfigError]) {
        table = Mutex(channels)
        self.plugins = plugins
        self.configErrors = configErrors
    }

    /// All channels, as one snapshot.
    var channels: [String: ChannelEntry] { table.withLock { $0 } }

    /// A channel by id.
    func channel(_ id: String) -> ChannelEntry? { table.withLock { $0[id] } }

    /// Changes one channel's entry.
    func update(_ id: String, _ change: (inout ChannelEntry) -> Void) {
        table.withLock { table in
            guard var entry = table[id] else { return }
            change(&entry)
            table[id] = entry
        }
    }

    /// The first (by id) online, ready channel that takes `amount` within its bounds.
    func route(_ amount: Money) -> ChannelEntry? {
        let channels = self.channels
        return channels.values.sorted { $0.id < $1.id }.first { entry in
            entry.acceptsPayments && entry.limits.bound(for: amount.currency)?.contains(amount) == true
        }
    }

    /// The admin API's view.
    var adminView: AdminChannelsResponse {
        let channels = self.channels
        return AdminChannelsResponse(
            channels: channels.values.sorted { $0.id < $1.id }.map(Self.adminChannel),
            plugins: plugins.map(Self.adminPlugin),
            configErrors: configErrors.map { AdminConfigError(file: $0.file, key: $0.key, message: $0.message) })
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
            })
    }

    static func adminPlugin(_ record: PluginRecord) -> AdminPlugin {
        let history = record.history.map { AdminPluginStep(state: $0.state, at: JSONBody.timestamp($0.at)) }
        switch record.state {
        case .started(let info, _, let manifest):
            return AdminPlugin(
                file: record.fileName, id: manifest.id, version: manifest.version, state: .started,
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
