import ChannelKit

/// What a plugin's entry point says about its build (request 0), read before any Swift type of the plugin
/// is touched: `channelkit-entry=1;api=1.0;swift=6.3.1`.
public struct PluginBuildInfo: Sendable, Equatable {
    public var entryRevision: Int
    public var channelKitAPI: String
    public var swiftCompiler: String

    /// Parses the describe string.
    public init(parsing text: String) throws(PluginFailure) {
        var fields: [String: String] = [:]
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            fields[String(pair[0])] = String(pair[1])
        }
        guard let revision = fields["channelkit-entry"].flatMap({ Int($0) }), let api = fields["api"],
            let swift = fields["swift"]
        else {
            throw PluginFailure(
                .invalidManifest, "the entry point's build description is unreadable: \"\(text.prefix(120))\"")
        }
        entryRevision = revision
        channelKitAPI = api
        swiftCompiler = swift
    }

    public init(entryRevision: Int, channelKitAPI: String, swiftCompiler: String) {
        self.entryRevision = entryRevision
        self.channelKitAPI = channelKitAPI
        self.swiftCompiler = swiftCompiler
    }
}
