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

    /// The first (by id) online, ready channel that takes `currency`.
    func route(currency: Currency) -> ChannelEntry? {
        let channels = self.channels
        return channels.values.sorted { $0.id < $1.id }.first { $0.acceptsPayments && $0.currencies.contains(currency) }
    }

    /// The admin API's view.
    var adminView: AdminChannelsResponse {
        let channels = self.channels
        return AdminChannelsResponse(
            channels: channels.values.sorted { $0.id < $1.id }.map { entry in
                AdminChannel(
                    id: entry.id, plugin: entry.pluginId, pluginVersion: entry.pluginVersion, online: entry.online,
                    state: entry.state, error: entry.error, configFile: entry.configFile,
                    currencies: entry.currencies.map(\.code), endpoint: entry.endpoint.absoluteString)
            },
            plugins: plugins.map { record in
                switch record.state {
                case .started(let info, _, let manifest):
                    AdminPlugin(
                        file: record.fileName, id: manifest.id, version: manifest.version, state: .started,
                        errorCode: nil, error: nil, channelKitAPI: info.channelKitAPI, swiftCompiler: info.swiftCompiler)
                case .failed(let failure, let info):
                    AdminPlugin(
                        file: record.fileName, id: failure.pluginId, version: failure.pluginVersion, state: .failed,
                        errorCode: failure.code.rawValue,
                        error: failure.reason, channelKitAPI: info?.channelKitAPI, swiftCompiler: info?.swiftCompiler)
                case .checked(let info):
                    AdminPlugin(
                        file: record.fileName, id: nil, version: nil, state: .checked, errorCode: nil, error: nil,
                        channelKitAPI: info.channelKitAPI, swiftCompiler: info.swiftCompiler)
                case .loaded:
                    AdminPlugin(
                        file: record.fileName, id: nil, version: nil, state: .loaded, errorCode: nil, error: nil,
                        channelKitAPI: nil, swiftCompiler: nil)
                case .discovered:
                    AdminPlugin(
                        file: record.fileName, id: nil, version: nil, state: .discovered, errorCode: nil, error: nil,
                        channelKitAPI: nil, swiftCompiler: nil)
                }
            },
            configErrors: configErrors.map { AdminConfigError(file: $0.file, key: $0.key, message: $0.message) })
    }
}
