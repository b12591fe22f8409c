/// What a plugin says about itself: who it is, what it can do and what configuration it needs.
public struct PluginManifest: Hashable, Sendable, Codable {
    /// A stable id channels refer to in their config (`plugin: jiangnan`). `[a-z0-9-]`, 1–64 chars.
    public var id: String
    /// The plugin's own version, e.g. `1.0.0`.
    public var version: String
    /// A human name (`Jiangnan Rural Commercial Bank`).
    public var displayName: String
    /// What the plugin supports.
    public var capabilities: PluginCapabilities
    /// Settings every channel of this plugin must have.
    public var requiredSettings: [String]
    /// Settings a channel may have.
    public var optionalSettings: [String]
    /// Credentials every channel of this plugin must have.
    public var requiredCredentials: [String]

    /// Creates a manifest.
    public init(
        id: String, version: String, displayName: String, capabilities: PluginCapabilities,
        requiredSettings: [String] = [], optionalSettings: [String] = [], requiredCredentials: [String] = []
    ) {
        self.id = id
        self.version = version
        self.displayName = displayName
        self.capabilities = capabilities
        self.requiredSettings = requiredSettings
        self.optionalSettings = optionalSettings
        self.requiredCredentials = requiredCredentials
    }
}

/// What a plugin's bank supports.
public struct PluginCapabilities: Hashable, Sendable, Codable {
    /// Currencies the bank can take at all (a channel config may narrow them).
    public var currencies: [Currency]
    /// Whether a payment can be refunded in several parts.
    public var partialRefund: Bool
    /// Whether the bank sends asynchronous notifications.
    public var notifications: Bool
    /// The statement file format, e.g. `csv`; `nil` when the bank offers no statement.
    public var statementFormat: String?
    /// Seconds after a request after which "not found" from the bank proves it was never processed.
    public var notFoundFinalAfterSeconds: Int?
    /// The largest amount, in minor units, the bank accepts.
    public var maximumAmountMinorUnits: Int64

    /// Creates a capability set.
    public init(
        currencies: [Currency], partialRefund: Bool, notifications: Bool, statementFormat: String?,
        notFoundFinalAfterSeconds: Int?, maximumAmountMinorUnits: Int64
    ) {
        self.currencies = currencies
        self.partialRefund = partialRefund
        self.notifications = notifications
        self.statementFormat = statementFormat
        self.notFoundFinalAfterSeconds = notFoundFinalAfterSeconds
        self.maximumAmountMinorUnits = maximumAmountMinorUnits
    }
}
