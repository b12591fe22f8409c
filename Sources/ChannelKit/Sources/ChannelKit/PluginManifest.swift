/// What a plugin says about itself: who it is, what its bank can do and what configuration it needs. The
/// gateway checks every channel config against it before it creates a channel.
public struct PluginManifest: Hashable, Sendable, Codable {
    /// A stable id channels refer to in their config (`plugin: jiangnan`). `[a-z0-9-]`, 1–64 chars.
    public var id: String
    /// The plugin's own version, e.g. `1.0.0`.
    public var version: String
    /// A human name (`Jiangnan Rural Commercial Bank`).
    public var displayName: String
    /// The currencies the bank takes at all and its per-payment bounds in each (a channel config narrows
    /// them). Not empty.
    public var currencies: [CurrencyBound]
    /// What else the bank supports.
    public var capabilities: PluginCapabilities
    /// The bank's daily statement, or `nil` when it has none.
    public var statements: StatementSupport?
    /// Settings every channel of this plugin must have.
    public var requiredSettings: [String]
    /// Settings a channel may have.
    public var optionalSettings: [String]
    /// The credentials a channel config may (or must) give.
    public var credentials: [CredentialDeclaration]

    /// Creates a manifest.
    public init(
        id: String, version: String, displayName: String, currencies: [CurrencyBound],
        capabilities: PluginCapabilities = PluginCapabilities(), statements: StatementSupport? = nil,
        requiredSettings: [String] = [], optionalSettings: [String] = [], credentials: [CredentialDeclaration] = []
    ) {
        self.id = id
        self.version = version
        self.displayName = displayName
        self.currencies = currencies
        self.capabilities = capabilities
        self.statements = statements
        self.requiredSettings = requiredSettings
        self.optionalSettings = optionalSettings
        self.credentials = credentials
    }

    /// The declaration of credential `name`, if any.
    public func credential(_ name: String) -> CredentialDeclaration? { credentials.first { $0.name == name } }
}

/// What a plugin's bank supports besides currencies and statements.
public struct PluginCapabilities: Hashable, Sendable, Codable {
    /// Whether a payment can be refunded in several parts.
    public var partialRefund: Bool
    /// Whether the bank sends asynchronous notifications (then the channel implements
    /// ``PaymentChannel/handleNotification(_:)``).
    public var notifications: Bool
    /// Seconds after a request after which "not found" from the bank proves it was never processed; `nil` when
    /// "not found" never proves it (the transaction then stays pending for ops).
    public var notFoundFinalAfterSeconds: Int?

    /// Creates a capability set.
    public init(partialRefund: Bool = true, notifications: Bool = false, notFoundFinalAfterSeconds: Int? = nil) {
        self.partialRefund = partialRefund
        self.notifications = notifications
        self.notFoundFinalAfterSeconds = notFoundFinalAfterSeconds
    }
}
