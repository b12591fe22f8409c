/// `GET /admin/channels`: every plugin file found, every channel configured, and every config file that
/// could not be read. Shared by the gateway and gatewayctl; plain Codable values, no gateway internals.
public struct AdminChannelsResponse: Codable, Sendable, Equatable {
    /// Channels, by id.
    public var channels: [AdminChannel]
    /// Plugin files, by file name.
    public var plugins: [AdminPlugin]
    /// Config files that could not be turned into a channel.
    public var configErrors: [AdminConfigError]

    public init(channels: [AdminChannel], plugins: [AdminPlugin], configErrors: [AdminConfigError]) {
        self.channels = channels
        self.plugins = plugins
        self.configErrors = configErrors
    }

    enum CodingKeys: String, CodingKey {
        case channels, plugins
        case configErrors = "config_errors"
    }
}

/// One configured channel.
public struct AdminChannel: Codable, Sendable, Equatable {
    /// Channel states.
    public enum State: String, Codable, Sendable {
        /// Started, self-check passed, taking traffic when online.
        case ready
        /// Its plugin refused the configuration, or the credentials self-check failed.
        case misconfigured
        /// Its plugin is missing or failed to load.
        case failed
    }

    /// The channel id.
    public var id: String
    /// The plugin id.
    public var plugin: String
    /// The plugin's version, when loaded.
    public var pluginVersion: String?
    /// Online (taking new payments) or offline, by config.
    public var online: Bool
    /// The channel's state.
    public var state: State
    /// Why it is misconfigured or failed.
    public var error: String?
    /// The config file it came from.
    public var configFile: String
    /// Currencies it accepts.
    public var currencies: [String]
    /// The bank endpoint (a URL without credentials).
    public var endpoint: String

    public init(
        id: String, plugin: String, pluginVersion: String?, online: Bool, state: State, error: String?,
        configFile: String, currencies: [String], endpoint: String
    ) {
        self.id = id
        self.plugin = plugin
        self.pluginVersion = pluginVersion
        self.online = online
        self.state = state
        self.error = error
        self.configFile = configFile
        self.currencies = currencies
        self.endpoint = endpoint
    }

    enum CodingKeys: String, CodingKey {
        case id, plugin, online, state, error, currencies, endpoint
        case pluginVersion = "plugin_version"
        case configFile = "config_file"
    }
}

/// One plugin file.
public struct AdminPlugin: Codable, Sendable, Equatable {
    /// Lifecycle states: discovered → loaded → checked → started, or failed at any step.
    public enum State: String, Codable, Sendable {
        case discovered, loaded, checked, started, failed
    }

    /// The file name in the plugins directory.
    public var file: String
    /// The plugin id, once known.
    public var id: String?
    /// The plugin version, once known.
    public var version: String?
    /// The state.
    public var state: State
    /// A stable code for a failure (`not_loadable`, `no_entry_point`, `channelkit_version_mismatch`,
    /// `compiler_mismatch`, `newer_channelkit`, `init_failed`, `invalid_manifest`, `duplicate_id`).
    public var errorCode: String?
    /// What happened, for ops.
    public var error: String?
    /// The ChannelKit API version the plugin was built against.
    public var channelKitAPI: String?
    /// The Swift compiler it was built with.
    public var swiftCompiler: String?

    public init(
        file: String, id: String?, version: String?, state: State, errorCode: String?, error: String?,
        channelKitAPI: String?, swiftCompiler: String?
    ) {
        self.file = file
        self.id = id
        self.version = version
        self.state = state
        self.errorCode = errorCode
        self.error = error
        self.channelKitAPI = channelKitAPI
        self.swiftCompiler = swiftCompiler
    }

    enum CodingKeys: String, CodingKey {
        case file, id, version, state, error
        case errorCode = "error_code"
        case channelKitAPI = "channelkit_api"
        case swiftCompiler = "swift_compiler"
    }
}

/// A config file that could not be turned into a channel.
public struct AdminConfigError: Codable, Sendable, Equatable {
    /// The file name.
    public var file: String
    /// The offending key (dotted path, e.g. `credentials.secret`), when one is to blame.
    public var key: String?
    /// What is wrong.
    public var message: String

    public init(file: String, key: String?, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }
}
