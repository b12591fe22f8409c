import ChannelKit
import FixtureBankCore

/// libFixtureBank.so: the correct fixture channel (plugin id `fixture-bank`).
public final class FixtureBankPlugin: ChannelPlugin {
    private let base = FixtureBankCorePlugin(id: "fixture-bank", bug: .none)

    public init() {}

    public var manifest: PluginManifest { base.manifest }

    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try await base.makeChannel(context: context)
    }
}

@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, FixtureBankPlugin.self)
}
