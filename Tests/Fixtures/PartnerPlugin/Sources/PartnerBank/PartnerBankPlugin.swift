import ChannelKit

/// The partner team's plugin (id `partner-bank`): an "instant" test bank that confirms CNY payments and
/// refunds at once, in memory, without any network traffic. Each channel has its own ledger.
public final class PartnerBankPlugin: ChannelPlugin {
    /// The only currency the instant bank takes.
    static let cny = Currency(code: "CNY")!

    /// Creates the plugin; there is nothing to set up.
    public init() {}

    /// The optional credential a channel may give (the instant bank ignores its value).
    static let apiTokenCredential = "api_token"

    /// Id `partner-bank` 2.0.0, "Partner instant test bank": CNY up to 1,000,000.00, no notifications, no
    /// statements, one optional credential.
    public var manifest: PluginManifest {
        PluginManifest(
            id: "partner-bank",
            version: "2.0.0",
            displayName: "Partner instant test bank",
            currencies: [CurrencyBound(Self.cny, maximumMinorUnits: 100_000_000)],
            capabilities: PluginCapabilities(
                partialRefund: true,
                notifications: false,
                // The ledger lives in this process: what it does not know was never processed.
                notFoundFinalAfterSeconds: 0
            ),
            credentials: [
                CredentialDeclaration(
                    Self.apiTokenCredential, required: false, rotates: true,
                    summary: "an access token some deployments of the instant bank use")
            ]
        )
    }

    /// Creates a channel (the gateway has already checked the config against the manifest).
    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try PartnerBankChannel(context: context)
    }
}
