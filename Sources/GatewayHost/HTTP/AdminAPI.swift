import ChannelKit
import GatewayAPI
import Hummingbird

/// The admin API (loopback only): health and the channel/plugin table for ops and gatewayctl.
struct AdminAPI: Sendable {
    var registry: ChannelRegistry
    var version: String

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in
            try JSONBody.response(AdminHealth(status: "ok", version: version, channelKitAPI: ChannelKitVersion.api))
        }
        router.get("/admin/channels") { _, _ in
            try JSONBody.response(registry.adminView)
        }
    }
}
