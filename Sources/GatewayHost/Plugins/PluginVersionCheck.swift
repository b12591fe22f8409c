import ChannelKit

/// Decides whether a plugin's build can run in this gateway. Swift has no stable ABI on Linux, so a mismatch
/// is refused, never tried.
struct PluginVersionCheck: Sendable {
    var hostAPI: String
    var hostCompiler: String
    var hostEntryRevision: Int

    /// This gateway's own versions.
    static var host: PluginVersionCheck {
        PluginVersionCheck(
            hostAPI: ChannelKitVersion.api, hostCompiler: ChannelKitVersion.swiftCompiler,
            hostEntryRevision: ChannelKitVersion.entryRevision)
    }

    func check(_ info: PluginBuildInfo) throws(PluginFailure) {
        guard info.entryRevision == hostEntryRevision else {
            throw PluginFailure(
                .channelKitVersionMismatch,
                "uses entry point revision \(info.entryRevision), this gateway speaks \(hostEntryRevision) — "
                    + "rebuild against ChannelKit \(hostAPI)")
        }
        guard let plugin = Self.parse(info.channelKitAPI), let host = Self.parse(hostAPI) else {
            throw PluginFailure(.invalidManifest, "unreadable ChannelKit version '\(info.channelKitAPI)'")
        }
        if plugin.major == host.major && plugin.minor > host.minor {
            throw PluginFailure(
                .newerChannelKit,
                "built against a newer ChannelKit than this gateway's \(hostAPI) — rebuild against \(hostAPI) "
                    + "(plugin has \(info.channelKitAPI))")
        }
        guard plugin.major == host.major else {
            throw PluginFailure(
                .channelKitVersionMismatch,
                "built against ChannelKit \(info.channelKitAPI), this gateway has \(hostAPI) — rebuild against \(hostAPI)")
        }
        guard info.swiftCompiler == hostCompiler else {
            throw PluginFailure(
                .compilerMismatch,
                "built with Swift \(info.swiftCompiler), this gateway with \(hostCompiler) — rebuild with Swift "
                    + "\(hostCompiler) (Swift has no stable ABI on Linux)")
        }
    }

    private static func parse(_ version: String) -> (major: Int, minor: Int)? {
        let parts = version.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        return (major, minor)
    }
}
