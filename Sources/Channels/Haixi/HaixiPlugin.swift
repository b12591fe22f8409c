import ChannelKit
import HaixiProtocol

/// The Haixi City Commercial Bank plugin (`haixi`): XML messages over HTTP, RSA-SHA256 (PKCS#1 v1.5) signed
/// both ways, amounts in fen, CNY only, fixed-width statements.
public final class HaixiPlugin: ChannelPlugin {
    /// Creates the plugin.
    public init() {}

    /// `haixi` 1.0.0: CNY up to 999,999,999,999 fen (the statement's 12-digit Amount), partial refunds,
    /// notifications, a fixed-width statement per business day (UTC+8) from 01:00 the next day; the merchant's
    /// RSA private key and the bank's public key.
    public var manifest: PluginManifest {
        PluginManifest(
            id: "haixi", version: "1.0.0", displayName: "Haixi City Commercial Bank",
            currencies: [Currency(code: "CNY")].compactMap { $0 }.map {
                CurrencyBound($0, maximumMinorUnits: HaixiStatement.maximumAmount)
            },
            capabilities: PluginCapabilities(
                partialRefund: true, notifications: true,
                // The bank never processes a message whose TxTime is 5 minutes off; 60 s more for clock skew.
                notFoundFinalAfterSeconds: 360),
            statements: StatementSupport(
                format: "fixed-width", timeZoneIdentifier: "Asia/Shanghai", availableAfterDayEnd: .seconds(3600)),
            requiredSettings: [HaixiSettings.merchantIdKey],
            credentials: [
                CredentialDeclaration(
                    HaixiSettings.privateKeyName,
                    summary: "the merchant's RSA private key (PEM) that signs every request and notification reply"),
                CredentialDeclaration(
                    HaixiSettings.bankPublicKeyName, rotates: true,
                    summary: "the bank's RSA public key (PEM) that verifies its answers and notifications; "
                        + "during a rotation `next` is accepted too"),
            ])
    }

    /// Validates the configuration and creates a channel.
    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        try HaixiChannel(context: context)
    }
}
