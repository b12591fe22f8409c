import ChannelKit

/// What `gatewayctl plugins inspect` found in one file: what the gateway would see, and whether it would load
/// it. Plain Codable values with the admin API's snake_case keys.
public struct PluginInspectionReport: Codable, Sendable, Equatable {
    /// A build description: the entry string and its fields.
    public struct Build: Codable, Sendable, Equatable {
        /// `channelkit-entry=1;api=2.0;swift=6.3.1`.
        public var entryString: String
        public var entryRevision: Int
        public var channelKitAPI: String
        public var swiftCompiler: String

        public init(_ info: PluginBuildInfo) {
            entryString = "channelkit-entry=\(info.entryRevision);api=\(info.channelKitAPI);swift=\(info.swiftCompiler)"
            entryRevision = info.entryRevision
            channelKitAPI = info.channelKitAPI
            swiftCompiler = info.swiftCompiler
        }

        enum CodingKeys: String, CodingKey {
            case entryString = "entry_string"
            case entryRevision = "entry_revision"
            case channelKitAPI = "channelkit_api"
            case swiftCompiler = "swift_compiler"
        }
    }

    /// Why the gateway would refuse the file.
    public struct Failure: Codable, Sendable, Equatable {
        /// The admin API's stable code (`no_entry_point`, `newer_channelkit`, `channelkit_library`, …).
        public var code: String
        public var reason: String
        /// The last state the gateway would reach before refusing it (`discovered`, `loaded`, `checked`).
        public var failedAfter: String

        enum CodingKeys: String, CodingKey {
            case code, reason
            case failedAfter = "failed_after"
        }
    }

    /// The absolute path inspected.
    public var file: String
    /// The file's size.
    public var bytes: Int64
    /// Whether the file defines ChannelKit's own symbols (a copy of libChannelKit.so, or ChannelKit linked in
    /// statically); `nil` when it is no readable 64-bit ELF file.
    public var definesChannelKit: Bool?
    /// Whether `channelkit_plugin_entry` was found; `nil` when the file could not be opened.
    public var entryPoint: Bool?
    /// The plugin's build description: from its entry point, or (when it cannot be opened) found in its bytes.
    public var build: Build?
    /// `entry_point` or `file_bytes`: where `build` was read.
    public var buildSource: String?
    /// This gateway's ChannelKit, compiler and entry revision (gatewayctl is built with the gateway).
    public var gateway: Build
    /// The manifest, when the plugin object could be created.
    public var manifest: PluginManifestSummary?
    /// Whether this gateway would start the plugin.
    public var loads: Bool
    /// Why not, when it would not.
    public var failure: Failure?

    enum CodingKeys: String, CodingKey {
        case file, bytes, build, gateway, manifest, loads, failure
        case definesChannelKit = "defines_channelkit"
        case entryPoint = "entry_point"
        case buildSource = "build_source"
    }
}

/// A plugin manifest in the admin API's snake_case.
public struct PluginManifestSummary: Codable, Sendable, Equatable {
    public struct Bound: Codable, Sendable, Equatable {
        public var currency: String
        public var minimumMinorUnits: Int64
        public var maximumMinorUnits: Int64

        enum CodingKeys: String, CodingKey {
            case currency
            case minimumMinorUnits = "minimum_minor_units"
            case maximumMinorUnits = "maximum_minor_units"
        }
    }

    public struct Credential: Codable, Sendable, Equatable {
        public var name: String
        public var required: Bool
        public var rotates: Bool
        public var summary: String
    }

    public struct Statements: Codable, Sendable, Equatable {
        public var format: String
        public var timeZone: String
        public var availableAfterSeconds: Int64

        enum CodingKeys: String, CodingKey {
            case format
            case timeZone = "time_zone"
            case availableAfterSeconds = "available_after_seconds"
        }
    }

    public var id: String
    public var version: String
    public var displayName: String
    public var currencies: [Bound]
    public var requiredSettings: [String]
    public var optionalSettings: [String]
    public var credentials: [Credential]
    public var partialRefund: Bool
    public var notifications: Bool
    public var notFoundFinalAfterSeconds: Int?
    public var statements: Statements?

    public init(_ manifest: PluginManifest) {
        id = manifest.id
        version = manifest.version
        displayName = manifest.displayName
        currencies = manifest.currencies.map {
            Bound(currency: $0.currency.code, minimumMinorUnits: $0.minimumMinorUnits, maximumMinorUnits: $0.maximumMinorUnits)
        }
        requiredSettings = manifest.requiredSettings
        optionalSettings = manifest.optionalSettings
        credentials = manifest.credentials.map {
            Credential(name: $0.name, required: $0.isRequired, rotates: $0.rotates, summary: $0.summary)
        }
        partialRefund = manifest.capabilities.partialRefund
        notifications = manifest.capabilities.notifications
        notFoundFinalAfterSeconds = manifest.capabilities.notFoundFinalAfterSeconds
        statements = manifest.statements.map {
            Statements(
                format: $0.format, timeZone: $0.timeZoneIdentifier,
                availableAfterSeconds: $0.availableAfterDayEnd.components.seconds)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, version, currencies, credentials, notifications, statements
        case displayName = "display_name"
        case requiredSettings = "required_settings"
        case optionalSettings = "optional_settings"
        case partialRefund = "partial_refund"
        case notFoundFinalAfterSeconds = "not_found_final_after_seconds"
    }
}
