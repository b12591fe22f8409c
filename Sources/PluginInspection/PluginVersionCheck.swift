import ChannelKit

/// Decides whether a plugin's build can run in this gateway. Swift has no stable ABI on Linux, so a mismatch
/// is refused, never tried.
public struct PluginVersionCheck: Sendable {
    public var hostAPI: String
    public var hostCompiler: String
    public var hostEntryRevision: Int

    public init(hostAPI: String, hostCompiler: String, hostEntryRevision: Int) {
        self.hostAPI = hostAPI
        self.hostCompiler = hostCompiler
        self.hostEntryRevision = hostEntryRevision
    }

    /// This gateway's own versions.
    public static var host: PluginVersionCheck {
        PluginVersionCheck(
            hostAPI: ChannelKitVersion.api, hostCompiler: ChannelKitVersion.swiftCompiler,
            hostEntryRevision: ChannelKitVersion.entryRevision)
    }

    /// The host's major version.
    public var hostMajor: Int { Self.parse(hostAPI)?.major ?? 0 }
    /// The host's minor version.
    public var hostMinor: Int { Self.parse(hostAPI)?.minor ?? 0 }

    /// Refuses a build this gateway cannot run: another entry revision, another ChannelKit major, a newer
    /// minor, another compiler. Every message says what to rebuild against.
    public func check(_ info: PluginBuildInfo) throws(PluginFailure) {
        guard info.entryRevision == hostEntryRevision else {
            throw PluginFailure(
                .channelKitVersionMismatch,
                "uses entry point revision \(info.entryRevision), this gateway speaks \(hostEntryRevision) — "
                    + "rebuild against ChannelKit \(hostMajor).x")
        }
        guard let plugin = Self.parse(info.channelKitAPI), let host = Self.parse(hostAPI) else {
            throw PluginFailure(.invalidManifest, "unreadable ChannelKit version '\(info.channelKitAPI.prefix(32))'")
        }
        guard plugin.major == host.major else {
            throw PluginFailure(
                .channelKitVersionMismatch,
                "built against ChannelKit \(info.channelKitAPI), this gateway has \(hostAPI) — rebuild against "
                    + "ChannelKit \(host.major).x")
        }
        guard plugin.minor <= host.minor else {
            throw PluginFailure(
                .newerChannelKit,
                "built against ChannelKit \(info.channelKitAPI), newer than this gateway's \(hostAPI) — rebuild "
                    + "against \(hostAPI) or upgrade the gateway")
        }
        guard info.swiftCompiler == hostCompiler else {
            throw PluginFailure(
                .compilerMismatch,
                "built with Swift \(info.swiftCompiler), this gateway with \(hostCompiler) — rebuild with Swift "
                    + "\(hostCompiler) against ChannelKit \(host.major).x (Swift has no stable ABI on Linux)")
        }
    }

    public static func parse(_ version: String) -> (major: Int, minor: Int)? {
        let parts = version.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        return (major, minor)
    }
}
