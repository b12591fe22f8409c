import ChannelKit

/// What the gateway relies on in a plugin's manifest, checked when the plugin starts (and by
/// `gatewayctl plugins inspect`).
public enum PluginManifestCheck {
    /// Refuses a manifest the gateway cannot serve: a bad id, no version or currency, impossible bounds,
    /// duplicate credentials, an unknown statement time zone, negative windows.
    public static func validate(_ manifest: PluginManifest) throws(PluginFailure) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard (1...64).contains(manifest.id.count), manifest.id.allSatisfy({ allowed.contains($0) }) else {
            throw PluginFailure(.invalidManifest, "plugin id '\(manifest.id.prefix(80))' must be 1–64 chars of [a-z0-9-]")
        }
        func refuse(_ reason: String) -> PluginFailure {
            PluginFailure(.invalidManifest, "plugin '\(manifest.id)' \(reason)", pluginId: manifest.id, pluginVersion: manifest.version)
        }
        guard !manifest.version.isEmpty else { throw refuse("has an empty version") }
        guard !manifest.currencies.isEmpty else { throw refuse("declares no currency") }
        var seen: Set<Currency> = []
        for bound in manifest.currencies {
            guard seen.insert(bound.currency).inserted else { throw refuse("declares \(bound.currency.code) twice") }
            guard bound.minimumMinorUnits >= 1, bound.minimumMinorUnits <= bound.maximumMinorUnits else {
                throw refuse("declares impossible bounds \(bound) (need 1 ≤ minimum ≤ maximum)")
            }
        }
        var names: Set<String> = []
        for credential in manifest.credentials {
            guard !credential.name.isEmpty, names.insert(credential.name).inserted else {
                throw refuse("declares the credential '\(credential.name)' twice or with an empty name")
            }
        }
        if let statements = manifest.statements {
            guard statements.timeZone != nil else {
                throw refuse("declares an unknown statement time zone '\(statements.timeZoneIdentifier.prefix(64))'")
            }
            guard statements.availableAfterDayEnd >= .zero else {
                throw refuse("declares a negative statement availability delay")
            }
        }
        if let seconds = manifest.capabilities.notFoundFinalAfterSeconds, seconds < 0 {
            throw refuse("declares a negative not-found finality window")
        }
    }
}
