import ChannelKit
import FixtureBankCore

/// libFixtureRewritesId.so: the fixture channel with the bug `rewritesId` (plugin id `fixture-rewrites-id`).
public final class FixtureRewritesIdPlugin: ChannelPlugin {
    private let base = FixtureBankCorePlugin(id: "fixture-rewrites-id", bug: .rewritesId)

    public init() {}

    public var manifest: PluginManifest { base.manifest }

    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try await base.makeChannel(context: context)
    }
}

@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, FixtureRewritesIdPlugin.self)
}
