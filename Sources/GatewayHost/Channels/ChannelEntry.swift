import ChannelKit
import Foundation
import GatewayAPI
import GatewayConfig

/// One configured channel as the gateway serves it.
struct ChannelEntry: Sendable {
    var id: String
    var pluginId: String
    var pluginVersion: String?
    var online: Bool
    /// `retired: true` in its file (or its file deleted): draining, no new payments, removed once nothing of
    /// it is open.
    var retired = false
    /// Its config file was deleted: it drains like a retired channel, then is removed.
    var fileDeleted = false
    /// Why it is offline or retired, who set it and when (the trailing comment the gateway wrote), if known.
    var note: String?
    var state: AdminChannel.State
    var error: String?
    var configFile: String
    /// The currencies it takes and its bounds in each: the manifest's, narrowed by the config.
    var limits: [CurrencyBound]
    var endpoint: URL
    var timeouts: ChannelTimeouts
    /// The plugin's manifest, when the plugin started.
    var manifest: PluginManifest?
    /// The built channel (plugin object and transport), when its plugin created it.
    var instance: ChannelInstance?
    /// The config file's `reconciliation:` section.
    var reconciliation = ReconciliationSettings()
    /// The config file's `limits:` section (daily caps; per merchant on this channel).
    var limitSettings = LimitSettings()
    /// The config file's `breaker:` section.
    var breakerSettings = BreakerSettings()

    /// The channel object, when its plugin created it.
    var channel: (any PaymentChannel)? { instance?.channel }
    /// The last self-check and when it ran.
    var selfCheck: SelfCheckResult?
    var selfCheckedAt: Date?
    /// Its self-check failed (bad credentials, or the bank was unreachable): `ChannelSelfCheckService` runs it
    /// again until it passes.
    var selfCheckPending = false

    /// The currencies, in config order.
    var currencies: [Currency] { limits.currencyList }

    /// What the plugin's bank supports, when the plugin started.
    var capabilities: PluginCapabilities? { manifest?.capabilities }

    /// Ready, online and created: it may take new payments.
    var acceptsPayments: Bool { online && !retired && state == .ready && instance != nil }

    /// Records a self-check: a passed or "not checked" one makes the channel ready; a failed one
    /// misconfigured and due for another check.
    mutating func record(_ check: SelfCheckResult, at time: Date) {
        selfCheck = check
        selfCheckedAt = time
        if check.allowsTraffic {
            state = .ready
            error = nil
            selfCheckPending = false
        } else {
            state = .misconfigured
            selfCheckPending = true
            error = "credentials self-check failed: \(check.detail) (checked again periodically)"
        }
    }
}
