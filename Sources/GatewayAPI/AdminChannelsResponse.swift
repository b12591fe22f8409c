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
        /// Retired and drained: nothing of it is open any more; its instance and transport are closed.
        case stopped
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
    /// The per-payment bounds in each currency (the plugin's, narrowed by the config).
    public var limits: [AdminCurrencyLimit]
    /// The bank endpoint (a URL without credentials).
    public var endpoint: String
    /// The last credentials self-check, when the channel was created.
    public var selfCheck: AdminSelfCheck?
    /// Retired (`retired: true`, or its file deleted): draining, no new payments; it stops once nothing of it
    /// is open.
    public var retired: Bool
    /// Who set its `online`/`retired` flag, when and why (the comment the gateway wrote into its file).
    public var note: String?
    /// Bank calls in flight on its current instance.
    public var inFlight: Int
    /// Its payments of the current business day (only on `GET /admin/channels/{id}`).
    public var today: AdminChannelDay?
    /// Its circuit breaker (health): `degraded` while it is open.
    public var breaker: AdminBreaker?

    public init(
        id: String, plugin: String, pluginVersion: String?, online: Bool, state: State, error: String?,
        configFile: String, currencies: [String], limits: [AdminCurrencyLimit] = [], endpoint: String,
        selfCheck: AdminSelfCheck? = nil, retired: Bool = false, note: String? = nil, inFlight: Int = 0
    ) {
        self.retired = retired
        self.note = note
        self.inFlight = inFlight
        self.id = id
        self.plugin = plugin
        self.pluginVersion = pluginVersion
        self.online = online
        self.state = state
        self.error = error
        self.configFile = configFile
        self.currencies = currencies
        self.limits = limits
        self.endpoint = endpoint
        self.selfCheck = selfCheck
    }

    enum CodingKeys: String, CodingKey {
        case id, plugin, online, state, error, currencies, limits, endpoint, retired, note, today, breaker
        case inFlight = "in_flight"
        case pluginVersion = "plugin_version"
        case configFile = "config_file"
        case selfCheck = "self_check"
    }
}

/// A channel's circuit breaker: whether new payments go to it, and why not.
public struct AdminBreaker: Codable, Sendable, Equatable {
    /// `closed` (healthy), `open` (taken out of rotation), `half_open` (a probe payment is deciding).
    public var state: String
    /// `auto`, `forced_open` or `forced_closed` (ops' override, kept in the ledger for every node).
    public var mode: String
    /// True while new payments are refused (open, or forced open): the channel shows as degraded.
    public var degraded: Bool
    /// The failure that opened it, and when (RFC 3339).
    public var reason: String?
    public var trippedAt: String?
    public var consecutiveFailures: Int
    /// Times it opened since this gateway started.
    public var trips: Int
    /// Who forced it, why and when.
    public var forcedBy: String?
    public var forcedReason: String?
    public var forcedAt: String?
    /// Of this gateway's last `recentAttempts` new-payment attempts on the channel (at most 100), the share that
    /// succeeded, 0…1 (the payer's own declines not counted); absent before the first. Routing rules with
    /// `prefer: success_rate` order by it.
    public var recentSuccessRate: Double?
    public var recentAttempts: Int

    public init(
        state: String, mode: String, degraded: Bool, reason: String?, trippedAt: String?, consecutiveFailures: Int,
        trips: Int, forcedBy: String?, forcedReason: String?, forcedAt: String?, recentSuccessRate: Double? = nil,
        recentAttempts: Int = 0
    ) {
        self.state = state
        self.mode = mode
        self.degraded = degraded
        self.reason = reason
        self.trippedAt = trippedAt
        self.consecutiveFailures = consecutiveFailures
        self.trips = trips
        self.forcedBy = forcedBy
        self.forcedReason = forcedReason
        self.forcedAt = forcedAt
        self.recentSuccessRate = recentSuccessRate
        self.recentAttempts = recentAttempts
    }

    enum CodingKeys: String, CodingKey {
        case state, mode, degraded, reason, trips
        case recentSuccessRate = "recent_success_rate"
        case recentAttempts = "recent_attempts"
        case trippedAt = "tripped_at"
        case consecutiveFailures = "consecutive_failures"
        case forcedBy = "forced_by"
        case forcedReason = "forced_reason"
        case forcedAt = "forced_at"
    }
}

/// A channel's bounds for one payment in one currency, in minor units.
public struct AdminCurrencyLimit: Codable, Sendable, Equatable {
    public var currency: String
    public var minimum: Int64
    public var maximum: Int64

    public init(currency: String, minimum: Int64, maximum: Int64) {
        self.currency = currency
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// The result of a channel's credentials self-check.
public struct AdminSelfCheck: Codable, Sendable, Equatable {
    /// `passed`, `failed` (the channel is misconfigured and checked again periodically) or `not_checked` (the
    /// plugin has no way to check; the channel serves).
    public enum Status: String, Codable, Sendable {
        case passed, failed
        case notChecked = "not_checked"

        /// How gatewayctl prints it.
        public var label: String {
            switch self {
            case .passed: "passed"
            case .failed: "failed"
            case .notChecked: "not checked"
            }
        }
    }

    public var status: Status
    /// What was checked and what came back.
    public var detail: String
    /// When (RFC 3339).
    public var checkedAt: String

    public init(status: Status, detail: String, checkedAt: String) {
        self.status = status
        self.detail = detail
        self.checkedAt = checkedAt
    }

    enum CodingKeys: String, CodingKey {
        case status, detail
        case checkedAt = "checked_at"
    }
}

/// One plugin file.
public struct AdminPlugin: Codable, Sendable, Equatable {
    /// Lifecycle states: discovered → loaded → checked → started, or failed at any step. `superseded`: started,
    /// but another version of the same plugin id serves (a newer one, or a pinned one); kept loaded.
    public enum State: String, Codable, Sendable {
        case discovered, loaded, checked, started, superseded, failed
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
    /// `compiler_mismatch`, `newer_channelkit`, `init_failed`, `invalid_manifest`, `duplicate_id`, `channelkit_library`).
    public var errorCode: String?
    /// What happened, for ops.
    public var error: String?
    /// The ChannelKit API version the plugin was built against.
    public var channelKitAPI: String?
    /// The Swift compiler it was built with.
    public var swiftCompiler: String?
    /// Every state the file passed, in order, the current one last.
    public var history: [AdminPluginStep]
    /// For a failed plugin: the last state it reached before it failed.
    public var failedAfter: State?
    /// The bank's statements as the manifest declares them; `nil` when it has none or the plugin did not start.
    public var statements: AdminStatementSupport?

    public init(
        file: String, id: String?, version: String?, state: State, errorCode: String?, error: String?,
        channelKitAPI: String?, swiftCompiler: String?, history: [AdminPluginStep] = [], failedAfter: State? = nil,
        statements: AdminStatementSupport? = nil
    ) {
        self.file = file
        self.id = id
        self.version = version
        self.state = state
        self.errorCode = errorCode
        self.error = error
        self.channelKitAPI = channelKitAPI
        self.swiftCompiler = swiftCompiler
        self.history = history
        self.failedAfter = failedAfter
        self.statements = statements
    }

    enum CodingKeys: String, CodingKey {
        case file, id, version, state, error, history, statements
        case errorCode = "error_code"
        case channelKitAPI = "channelkit_api"
        case swiftCompiler = "swift_compiler"
        case failedAfter = "failed_after"
    }
}

/// One state a plugin file reached.
public struct AdminPluginStep: Codable, Sendable, Equatable {
    public var state: AdminPlugin.State
    /// When (RFC 3339).
    public var at: String

    public init(state: AdminPlugin.State, at: String) {
        self.state = state
        self.at = at
    }
}

/// A bank's daily statement, as its plugin's manifest declares it.
public struct AdminStatementSupport: Codable, Sendable, Equatable {
    /// The file format (`csv`...).
    public var format: String
    /// The bank's time zone (IANA identifier or fixed offset).
    public var timeZone: String
    /// Seconds after the end of a business day (midnight in `timeZone`) when the day's file is available.
    public var availableAfterSeconds: Int64

    public init(format: String, timeZone: String, availableAfterSeconds: Int64) {
        self.format = format
        self.timeZone = timeZone
        self.availableAfterSeconds = availableAfterSeconds
    }

    enum CodingKeys: String, CodingKey {
        case format
        case timeZone = "time_zone"
        case availableAfterSeconds = "available_after_seconds"
    }
}

/// A config file that could not be turned into a channel.
public struct AdminConfigError: Codable, Sendable, Equatable {
    /// The file name.
    public var file: String
    /// The offending key (dotted path, e.g. `credentials.secret`), when one is to blame.
    public var key: String?
    /// The 1-based line of that key (or of a YAML syntax error), when known.
    public var line: Int?
    /// What is wrong.
    public var message: String

    public init(file: String, key: String?, line: Int? = nil, message: String) {
        self.file = file
        self.key = key
        self.line = line
        self.message = message
    }
}
