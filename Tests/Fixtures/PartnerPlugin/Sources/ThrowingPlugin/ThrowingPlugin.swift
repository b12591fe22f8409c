import ChannelKit

/// A plugin (id `throwing`) whose `init` always fails with "no licence file", as a plugin would that cannot
/// find something it needs at start-up. The gateway must report it as `init_failed` and keep running.
public final class ThrowingPlugin: ChannelPlugin {
    /// Always throws "no licence file".
    public init() throws {
        throw PaymentChannelError(.pluginInitializationFailed, "no licence file")
    }

    /// Never read: the plugin cannot be created.
    public var manifest: PluginManifest {
        PluginManifest(
            id: "throwing", version: "1.0.0", displayName: "Plugin whose init throws",
            currencies: [CurrencyBound(Currency(code: "CNY")!, maximumMinorUnits: 1)])
    }

    /// Never called: the plugin cannot be created.
    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        throw PaymentChannelError(.pluginInitializationFailed, "no licence file")
    }
}
