import ChannelKit
import FixtureBankCore

/// libFixtureUnverifiedNotification.so: the fixture channel with the bug `unverifiedNotification` (plugin id `fixture-unverified-notification`).
public final class FixtureUnverifiedNotificationPlugin: ChannelPlugin {
    private let base = FixtureBankCorePlugin(id: "fixture-unverified-notification", bug: .unverifiedNotification)

    public init() {}

    public var manifest: PluginManifest { base.manifest }

    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try await base.makeChannel(context: context)
    }
}

@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, FixtureUnverifiedNotificationPlugin.self)
}
