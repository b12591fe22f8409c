extension ScaffoldTemplates {
    /// `Sources/{{Module}}/{{Module}}Plugin.swift` of a generated package.
    static let sourcesPluginSwift = ScaffoldFile(
        "Sources/{{Module}}/{{Module}}Plugin.swift",
        #"""
import ChannelKit

/// The plugin (id `{{id}}`): what the bank can do, and a channel per channel config.
public final class {{Module}}Plugin: ChannelPlugin {
    /// Creates the plugin; there is nothing to set up.
    public init() {}

    /// The setting naming our merchant number at the bank.
    static let merchantNoSetting = "merchant_no"
    /// The credential the bank and we sign with.
    static let secretCredential = "secret"

    public var manifest: PluginManifest {
        PluginManifest(
            // PARTNER: your plugin id (what channel configs name as `plugin:`) and display name. Raise the
            // version with every build you ship: `gatewayctl plugins install` tells versions apart by it.
            id: "{{id}}", version: "1.0.0", displayName: "{{Display}}",
            // PARTNER: the currencies your bank takes and its bounds per currency, in minor units.
            currencies: [CurrencyBound(Currency(code: "CNY")!, minimumMinorUnits: 1, maximumMinorUnits: 100_000_000)],
            capabilities: PluginCapabilities(
                partialRefund: true,
                notifications: true,
                // PARTNER: after how many seconds your bank's "not found" proves a transaction was never
                // processed (its document says how long a request may take to appear); nil: never.
                notFoundFinalAfterSeconds: 300),
            // PARTNER: your bank's statement: format name, the time zone of its business days, and how long
            // after the day's end the file can be fetched. nil if the bank has no statements.
            statements: StatementSupport(format: "csv", timeZoneIdentifier: "UTC", availableAfterDayEnd: .seconds(0)),
            // PARTNER: your bank's settings and credentials (channel-configs/README.md in the gateway).
            requiredSettings: [Self.merchantNoSetting],
            credentials: [CredentialDeclaration(Self.secretCredential, rotates: true, summary: "HMAC-SHA256 signing key")])
    }

    /// Creates a channel; refuses a config without the merchant number or the secret.
    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try {{Module}}Channel(context: context)
    }
}
"""#)
}
