import ChannelKit
import FixtureBankCore

/// libFixtureBusyDeclined.so: the fixture channel with the bug `busyDeclined` (plugin id `fixture-busy-declined`).
public final class FixtureBusyDeclinedPlugin: ChannelPlugin {
    private let base = FixtureBankCorePlugin(id: "fixture-busy-declined", bug: .busyDeclined)

    public init() {}

    public var manifest: PluginManifest { base.manifest }

    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try await base.makeChannel(context: context)
    }
}

@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, FixtureBusyDeclinedPlugin.self)
}
