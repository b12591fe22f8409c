import ChannelKit

/// The partner team's plugin (id `partner-bank`): an "instant" test bank that confirms CNY payments and
/// refunds at once, in memory, without any network traffic. Each channel has its own ledger.
public final class PartnerBankPlugin: ChannelPlugin {
    /// The only currency the instant bank takes.
    static let cny = Currency(code: "CNY")!

    /// Creates the plugin; there is nothing to set up.
    public init() {}

    /// Id `partner-bank`, display name "Partner instant test bank", CNY only, no notifications or statements.
    public var manifest: PluginManifest {
        PluginManifest(
            id: "partner-bank",
            version: "1.0.0",
            displayName: "Partner instant test bank",
            capabilities: PluginCapabilities(
                currencies: [Self.cny],
                partialRefund: true,
                notifications: false,
                statementFormat: nil,
                // The ledger lives in this process: what it does not know was never processed.
                notFoundFinalAfterSeconds: 0,
                maximumAmountMinorUnits: 100_000_000
            )
        )
    }

    /// Creates a channel; refuses a configuration with a currency other than CNY.
    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try PartnerBankChannel(context: context, maximumAmount: manifest.capabilities.maximumAmountMinorUnits)
    }
}
