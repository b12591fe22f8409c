/// Why a plugin file could not be used: a stable code for tooling and a reason for ops.
public struct PluginFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable failure codes, as the admin API reports them.
    public enum Code: String, Sendable, CaseIterable {
        case notLoadable = "not_loadable"
        case noEntryPoint = "no_entry_point"
        case channelKitVersionMismatch = "channelkit_version_mismatch"
        case compilerMismatch = "compiler_mismatch"
        case newerChannelKit = "newer_channelkit"
        case initFailed = "init_failed"
        case invalidManifest = "invalid_manifest"
        case duplicateId = "duplicate_id"
        /// The file is a copy of ChannelKit's own library, not a plugin.
        case channelKitLibrary = "channelkit_library"
    }

    public var code: Code
    public var reason: String
    /// The plugin's id and version, when the failure came after the manifest was read (e.g. a duplicate id).
    public var pluginId: String?
    public var pluginVersion: String?

    public init(_ code: Code, _ reason: String, pluginId: String? = nil, pluginVersion: String? = nil) {
        self.code = code
        self.reason = reason
        self.pluginId = pluginId
        self.pluginVersion = pluginVersion
    }

    public var description: String { "\(code.rawValue): \(reason)" }
}
