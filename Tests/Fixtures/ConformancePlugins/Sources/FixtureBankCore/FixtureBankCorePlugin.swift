import ChannelKit
import Foundation

/// The fixture bank's plugin: a JSON-over-HTTP bank with the toy ``FixtureSignature`` (see the package's
/// README), built once correct and once per ``FixtureBug``.
public final class FixtureBankCorePlugin: Sendable {
    let id: String
    let bug: FixtureBug

    /// A plugin with `id` and `bug`.
    public init(id: String, bug: FixtureBug) {
        self.id = id
        self.bug = bug
    }

    /// The manifest: CNY, partial refunds, notifications, a pipe-separated statement in UTC.
    public var manifest: PluginManifest {
        PluginManifest(
            id: id, version: "1.0.0", displayName: "Fixture Bank (\(bug.rawValue))",
            currencies: [CurrencyBound(Currency(code: "CNY")!, minimumMinorUnits: 1, maximumMinorUnits: 10_000_000)],
            capabilities: PluginCapabilities(partialRefund: true, notifications: true, notFoundFinalAfterSeconds: 600),
            statements: StatementSupport(format: "psv", timeZoneIdentifier: "UTC", availableAfterDayEnd: .zero),
            requiredSettings: ["merchant"],
            credentials: [CredentialDeclaration("secret", required: true, summary: "the fixture bank's signing secret")])
    }

    /// A channel; the `merchant` setting and the `secret` credential are required.
    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
        let configuration = context.configuration
        let merchant = try configuration.requiredSetting("merchant")
        let secret = try configuration.requiredCredential("secret").current
        return FixtureBankChannel(context: context, merchant: merchant, secret: secret, bug: bug)
    }
}
