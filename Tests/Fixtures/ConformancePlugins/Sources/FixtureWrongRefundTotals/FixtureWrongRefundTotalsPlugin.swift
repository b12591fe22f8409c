import ChannelKit
import FixtureBankCore

/// libFixtureWrongRefundTotals.so: the fixture channel with the bug `wrongRefundTotals` (plugin id `fixture-wrong-refund-totals`).
public final class FixtureWrongRefundTotalsPlugin: ChannelPlugin {
    private let base = FixtureBankCorePlugin(id: "fixture-wrong-refund-totals", bug: .wrongRefundTotals)

    public init() {}

    public var manifest: PluginManifest { base.manifest }

    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try await base.makeChannel(context: context)
    }
}

@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, FixtureWrongRefundTotalsPlugin.self)
}
