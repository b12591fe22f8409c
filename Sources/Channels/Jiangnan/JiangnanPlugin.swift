import ChannelKit
import JiangnanProtocol

/// The Jiangnan Rural Commercial Bank plugin (`jiangnan`): JSON over HTTP, HMAC-SHA256 signed both ways,
/// amounts in fen, CNY only, CSV statements.
public final class JiangnanPlugin: ChannelPlugin {
    /// Creates the plugin.
    public init() {}

    /// `jiangnan` 2.0.0: CNY up to 999,999,999.99, notifications, a CSV statement per business day (UTC+8)
    /// from 01:00 the next day, a rotating HMAC secret.
    public var manifest: PluginManifest {
        PluginManifest(
            id: "jiangnan", version: "2.0.0", displayName: "Jiangnan Rural Commercial Bank",
            currencies: [Currency(code: "CNY")].compactMap { $0 }.map {
                CurrencyBound($0, maximumMinorUnits: JiangnanRules.maximumAmount)
            },
            capabilities: PluginCapabilities(
                partialRefund: true, notifications: true,
                // The bank never processes a request whose timestamp is 300 s old; 60 s more for clock skew.
                notFoundFinalAfterSeconds: 360),
            statements: StatementSupport(
                format: "csv", timeZoneIdentifier: "Asia/Shanghai", availableAfterDayEnd: .seconds(3600)),
            requiredSettings: ["merchant_no"],
            credentials: [
                CredentialDeclaration(
                    "secret", rotates: true,
                    summary: "the merchant's HMAC-SHA256 secret; during a rotation `next` is accepted on answers")
            ])
    }

    /// Validates the configuration and creates a channel.
    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try JiangnanChannel(context: context)
    }
}
