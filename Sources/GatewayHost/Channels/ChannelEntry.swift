import ChannelKit
import Foundation
import GatewayAPI

/// One configured channel as the gateway serves it.
struct ChannelEntry: Sendable {
    var id: String
    var pluginId: String
    var pluginVersion: String?
    var online: Bool
    var state: AdminChannel.State
    var error: String?
    var configFile: String
    var currencies: [Currency]
    var maximumAmount: Int64
    var endpoint: URL
    var timeouts: ChannelTimeouts
    var capabilities: PluginCapabilities?
    /// The channel object, when its plugin created it.
    var channel: (any PaymentChannel)?
    /// Its self-check failed (bad credentials, or the bank was unreachable): `ChannelSelfCheckService` runs it
    /// again until it passes.
    var selfCheckPending = false

    /// Ready, online and created: it may take new payments.
    var acceptsPayments: Bool { online && state == .ready && channel != nil }
}
