import ChannelKit

/// The Jiangnan Rural Commercial Bank plugin (`jiangnan`): JSON over HTTP, HMAC-SHA256 signed both ways,
/// amounts in fen, CNY only, CSV statements.
public final class JiangnanPlugin: ChannelPlugin {
    /// Creates the plugin.
    public init() {}

    /// `jiangnan` 1.0.0.
    public var manifest: PluginManifest {
        PluginManifest(
            id: "jiangnan", version: "1.0.0", displayName: "Jiangnan Rural Commercial Bank",
            capabilities: PluginCapabilities(
                currencies: [Currency(code: "CNY")].compactMap { $0 }, partialRefund: true, notifications: true,
                statementFormat: "csv",
                // The bank never processes a request whose timestamp is 300 s old; 60 s more for clock skew.
                notFoundFinalAfterSeconds: 360, maximumAmountMinorUnits: 99_999_999_999),
            requiredSettings: ["merchant_no"], requiredCredentials: ["secret"])
    }

    /// Validates the configuration and creates a channel.
    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try JiangnanChannel(context: context)
    }
}

/// The plugin's C entry point, looked up by the gateway.
@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? { PluginExport.entry(request, JiangnanPlugin.self) }
