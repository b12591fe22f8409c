import ChannelKit
import GatewayAPI
import Hummingbird

/// The admin API (loopback only): health and the channel/plugin table for ops and gatewayctl.
struct AdminAPI: Sendable {
    var registry: ChannelRegistry
    var version: String
    var statements: StatementFetcher

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in
            try JSONBody.response(AdminHealth(status: "ok", version: version, channelKitAPI: ChannelKitVersion.api))
        }
        router.get("/admin/channels") { _, _ in
            try JSONBody.response(registry.adminView)
        }
        // Downloads and parses a channel's statement for ?date=yyyy-MM-dd through its plugin.
        router.post("/admin/channels/{id}/statements") { request, context in
            let id = try context.parameters.require("id")
            guard let text = request.uri.queryParameters.get("date"), let date = BusinessDate(text) else {
                throw GatewayError.invalidRequest("query parameter date (yyyy-MM-dd) is required")
            }
            let include = request.uri.queryParameters.get("records") == "true"
            return try JSONBody.response(try await statements.fetch(channelId: id, date: date, includeRecords: include))
        }
    }
}
