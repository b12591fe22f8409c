import ChannelKit

/// A plugin (id `newer-plugin`) that uses ``ChannelKitNext``, an API only a newer ChannelKit has. Its .so
/// therefore needs a `$s10ChannelKit...` symbol the gateway's libChannelKit.so does not export.
public final class NewerPlugin: ChannelPlugin {
    private let featureLevel: Int

    /// Reads the newer ChannelKit's feature level.
    public init() {
        featureLevel = ChannelKitNext.newerFeature()
    }

    /// Id `newer-plugin`.
    public var manifest: PluginManifest {
        PluginManifest(
            id: "newer-plugin", version: "2.0.0", displayName: "Plugin built against a newer ChannelKit",
            currencies: [CurrencyBound(Currency(code: "CNY")!, maximumMinorUnits: 1)])
    }

    /// Refuses every configuration; the plugin exists only to be refused at load time.
    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        throw PaymentChannelError(
            .unsupported, "newer-plugin needs ChannelKit feature level \(featureLevel), \(ChannelKitNext.newerFeature()) here")
    }
}
