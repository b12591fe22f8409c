import ChannelKit
import FixtureBankCore

/// libFixtureDropsStatementLine.so: the fixture channel with the bug `dropsStatementLine` (plugin id `fixture-drops-statement-line`).
public final class FixtureDropsStatementLinePlugin: ChannelPlugin {
    private let base = FixtureBankCorePlugin(id: "fixture-drops-statement-line", bug: .dropsStatementLine)

    public init() {}

    public var manifest: PluginManifest { base.manifest }

    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try await base.makeChannel(context: context)
    }
}

@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, FixtureDropsStatementLinePlugin.self)
}
