import ChannelKit

/// Plugin `versioned-bank`, in the version of Version.swift. A "broken" build declares no currency, which the
/// gateway refuses as an invalid manifest.
public final class VersionedBankPlugin: ChannelPlugin {
    static let cny = Currency(code: "CNY")!

    public init() {}

    public var manifest: PluginManifest {
        PluginManifest(
            id: "versioned-bank",
            version: pluginVersion,
            displayName: "Versioned test bank",
            currencies: manifestIsBroken ? [] : [CurrencyBound(Self.cny, maximumMinorUnits: 100_000_000)],
            capabilities: PluginCapabilities(partialRefund: true, notifications: false, notFoundFinalAfterSeconds: 0)
        )
    }

    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        VersionedBankChannel(context: context)
    }
}
