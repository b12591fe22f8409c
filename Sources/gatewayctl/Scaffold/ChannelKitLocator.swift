import Foundation

/// Finds the ChannelKit package a generated plugin depends on by path. In order:
/// 1. `--channelkit PATH` (a ChannelKit package directory, or a gateway checkout containing one);
/// 2. `$CHANNELKIT_PATH` (likewise);
/// 3. the gateway checkout this gatewayctl was built in: the first directory above the executable holding
///    `Sources/ChannelKit/Package.swift` (after `swift build`, gatewayctl is `<checkout>/.build/<config>/gatewayctl`).
/// The package must be the ChannelKit of the gateway the plugin is deployed to.
enum ChannelKitLocator {
    static func locate(explicit: String?, environment: [String: String], executable: URL) throws(ScaffoldError) -> URL {
        if let explicit, !explicit.isEmpty {
            return try package(at: URL(fileURLWithPath: explicit), source: "--channelkit")
        }
        if let variable = environment["CHANNELKIT_PATH"], !variable.isEmpty {
            return try package(at: URL(fileURLWithPath: variable), source: "CHANNELKIT_PATH")
        }
        var directory = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" && !directory.path.isEmpty {
            if let found = candidate(directory.appendingPathComponent("Sources/ChannelKit")) { return found }
            directory.deleteLastPathComponent()
        }
        throw ScaffoldError(
            "channelkit_not_found",
            "no ChannelKit package above \(executable.path): pass --channelkit PATH (the gateway checkout's Sources/ChannelKit) or set CHANNELKIT_PATH")
    }

    /// The ChannelKit package at `url` or at `url/Sources/ChannelKit`.
    private static func package(at url: URL, source: String) throws(ScaffoldError) -> URL {
        let url = url.standardizedFileURL
        if let found = candidate(url) ?? candidate(url.appendingPathComponent("Sources/ChannelKit")) { return found }
        throw ScaffoldError(
            "channelkit_not_found", "\(source) \(url.path) is not the ChannelKit package (no Package.swift naming ChannelKit there)")
    }

    private static func candidate(_ url: URL) -> URL? {
        let manifest = url.appendingPathComponent("Package.swift")
        guard let text = try? String(contentsOf: manifest, encoding: .utf8), text.contains("name: \"ChannelKit\"") else {
            return nil
        }
        return url.standardizedFileURL
    }
}
