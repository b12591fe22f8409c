import ChannelKit
import FixtureBankCore

/// libFixtureLogsSecret.so: the fixture channel with the bug `logsSecret` (plugin id `fixture-logs-secret`).
public final class FixtureLogsSecretPlugin: ChannelPlugin {
    private let base = FixtureBankCorePlugin(id: "fixture-logs-secret", bug: .logsSecret)

    public init() {}

    public var manifest: PluginManifest { base.manifest }

    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try await base.makeChannel(context: context)
    }
}

@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, FixtureLogsSecretPlugin.self)
}
