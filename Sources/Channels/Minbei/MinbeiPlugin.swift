import ChannelKit
import MinbeiProtocol

/// The Minbei Rural Credit Union plugin (`minbei`): GBK form posts, MD5 signed both ways, amounts as yuan
/// strings, numeric currency codes, a gzip'd GBK statement.
public final class MinbeiPlugin: ChannelPlugin {
    /// Creates the plugin.
    public init() {}

    /// `minbei` 1.0.0: CNY (`156`) up to 99,999,999.99, partial refunds, notifications, a statement per
    /// business day (UTC+8) from 01:00 the next day.
    public var manifest: PluginManifest {
        PluginManifest(
            id: "minbei", version: "1.0.0", displayName: "Minbei Rural Credit Union",
            currencies: [Currency(code: "CNY")].compactMap { $0 }.map {
                CurrencyBound($0, maximumMinorUnits: MinbeiAmount.maximumMinorUnits)
            },
            capabilities: PluginCapabilities(
                partialRefund: true, notifications: true,
                // "a query answered 25 more than 5 minutes after the original request was sent proves it was
                // never processed" (the bank answers or rejects within 60 s and keeps no replay window).
                notFoundFinalAfterSeconds: 300),
            statements: StatementSupport(
                format: "gzip+gbk-pipe", timeZoneIdentifier: "Asia/Shanghai", availableAfterDayEnd: .seconds(3600)),
            requiredSettings: ["mer_id"],
            credentials: [
                CredentialDeclaration(
                    "key", rotates: true,
                    summary: "the merchant's MD5 signing key; during a rotation `next` is accepted on answers")
            ])
    }

    /// Validates the configuration and creates a channel.
    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try MinbeiChannel(context: context)
    }
}
