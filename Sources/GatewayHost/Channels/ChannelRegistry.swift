import ChannelKit
import GatewayAPI

/// The channels and plugins the gateway runs with: built and validated once at start, then read by every
/// request without locks (an immutable `Sendable` snapshot).
struct ChannelRegistry: Sendable {
    var channels: [String: ChannelEntry]
    var plugins: [PluginRecord]
    var configErrors: [ChannelConfigError]

    /// A channel by id.
    func channel(_ id: String) -> ChannelEntry? { channels[id] }

    /// The first (by id) online, ready channel that takes `currency`.
    func route(currency: Currency) -> ChannelEntry? {
        channels.values.sorted { $0.id < $1.id }.first { $0.acceptsPayments && $0.currencies.contains(currency) }
    }

    /// The admin API's view.
    var adminView: AdminChannelsResponse {
        AdminChannelsResponse(
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
