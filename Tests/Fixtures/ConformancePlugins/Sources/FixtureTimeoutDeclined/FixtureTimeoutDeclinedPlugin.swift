import ChannelKit
import FixtureBankCore

/// libFixtureTimeoutDeclined.so: the fixture channel with the bug `timeoutDeclined` (plugin id `fixture-timeout-declined`).
public final class FixtureTimeoutDeclinedPlugin: ChannelPlugin {
    private let base = FixtureBankCorePlugin(id: "fixture-timeout-declined", bug: .timeoutDeclined)

    public init() {}

    public var manifest: PluginManifest { base.manifest }

    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try await base.makeChannel(context: context)
    }
}

@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, FixtureTimeoutDeclinedPlugin.self)
}
