import Foundation

/// One channel's configuration, read by the gateway from its file in `channel-configs/` and handed to the
/// plugin. Two channels may use one plugin with different configurations.
public struct ChannelConfiguration: Hashable, Sendable, Codable {
    /// The channel's id (`jiangnan`), unique in the gateway; part of its notification URL.
    public var channelId: String
    /// The plugin that serves this channel.
    public var pluginId: String
    /// The bank's base URL.
    public var endpoint: URL
    /// Plugin-specific settings (e.g. the merchant number the bank assigned). Keys are those the plugin's
    /// manifest declares.
    public var settings: [String: String]
    /// Credentials, resolved by the gateway from environment variables or files; never inline in a config.
    /// Only those the manifest declares; an optional one the config omits is absent.
    public var credentials: [String: Credential]
    /// Time limits for calls to the bank.
    public var timeouts: ChannelTimeouts
    /// The currencies this channel takes and its bounds in each: the manifest's, narrowed by the config. The
    /// gateway refuses payments outside them before calling the channel.
    public var currencies: [CurrencyBound]

    /// Creates a configuration.
    public init(
        channelId: String, pluginId: String, endpoint: URL, settings: [String: String] = [:],
        credentials: [String: Credential] = [:], timeouts: ChannelTimeouts = ChannelTimeouts(),
        currencies: [CurrencyBound]
    ) {
        self.channelId = channelId
        self.pluginId = pluginId
        self.endpoint = endpoint
        self.settings = settings
        self.credentials = credentials
        self.timeouts = timeouts
        self.currencies = currencies
    }

    /// A required setting, or an ``PaymentChannelError/Code/invalidConfiguration`` error naming it.
    public func requiredSetting(_ key: String) throws(PaymentChannelError) -> String {
        guard let value = settings[key], !value.isEmpty else {
            throw PaymentChannelError(.invalidConfiguration, "setting '\(key)' is missing")
        }
        return value
    }

    /// A required credential, or an ``PaymentChannelError/Code/invalidConfiguration`` error naming it.
    public func requiredCredential(_ key: String) throws(PaymentChannelError) -> Credential {
        guard let value = credentials[key], !value.current.reveal().isEmpty else {
            throw PaymentChannelError(.invalidConfiguration, "credential '\(key)' is missing")
        }
        return value
    }

    /// An optional credential: `nil` when the config does not give it.
    public func optionalCredential(_ key: String) -> Credential? {
        guard let value = credentials[key], !value.current.reveal().isEmpty else { return nil }
        return value
    }
}

/// Time limits for a channel's calls to its bank.
public struct ChannelTimeouts: Hashable, Sendable, Codable {
    /// How long to wait for a connection.
    public var connect: Duration
    /// How long to wait for a whole answer once connected.
    public var request: Duration
    /// How long a statement download may take.
    public var download: Duration

    /// Creates time limits.
    public init(connect: Duration = .seconds(2), request: Duration = .seconds(10), download: Duration = .seconds(120)) {
        self.connect = connect
        self.request = request
        self.download = download
    }
}
