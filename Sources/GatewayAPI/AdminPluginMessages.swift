/// `GET /admin/plugins`: every plugin file, the pins, and which version each channel runs.
public struct AdminPluginsResponse: Codable, Sendable, Equatable {
    public var plugins: [AdminPlugin]
    /// Plugin id → the version pinned with `gatewayctl plugins use`.
    public var pins: [String: String]
    public var channels: [AdminChannelPlugin]

    public init(plugins: [AdminPlugin], pins: [String: String], channels: [AdminChannelPlugin]) {
        self.plugins = plugins
        self.pins = pins
        self.channels = channels
    }
}

/// The plugin version one channel runs on.
public struct AdminChannelPlugin: Codable, Sendable, Equatable {
    public var channel: String
    public var plugin: String
    public var version: String?

    public init(channel: String, plugin: String, version: String?) {
        self.channel = channel
        self.plugin = plugin
        self.version = version
    }
}

/// The body of `POST /admin/plugins/install`: a plugin file on the gateway's machine.
public struct AdminPluginInstall: Codable, Sendable, Equatable {
    /// Absolute path of the `.so` to copy into the plugins directory.
    public var path: String

    public init(path: String) {
        self.path = path
    }
}

/// The body of `POST /admin/plugins/{id}/use`.
public struct AdminPluginUse: Codable, Sendable, Equatable {
    /// The version to pin; absent or null: remove the pin (the highest version serves).
    public var version: String?

    public init(version: String?) {
        self.version = version
    }
}

/// What a rescan, an install or a pin changed.
public struct AdminPluginChangeResult: Codable, Sendable, Equatable {
    /// The file an install wrote (as loaded).
    public var installed: AdminPlugin?
    /// Files loaded by this operation.
    public var loaded: [AdminPlugin]
    /// Plugin ids whose serving version changed; their channels were rebuilt on it.
    public var switched: [AdminPluginSwitch]
    /// Pins that could not be applied.
    public var problems: [String]

    public init(installed: AdminPlugin?, loaded: [AdminPlugin], switched: [AdminPluginSwitch], problems: [String]) {
        self.installed = installed
        self.loaded = loaded
        self.switched = switched
        self.problems = problems
    }
}

/// A plugin id whose serving version changed.
public struct AdminPluginSwitch: Codable, Sendable, Equatable {
    public var plugin: String
    public var from: String?
    public var to: String?

    public init(plugin: String, from: String?, to: String?) {
        self.plugin = plugin
        self.from = from
        self.to = to
    }
}
