import ChannelKit
import GatewayAPI
import Hummingbird
import Prometheus

/// The admin API (loopback only): health and the channel/plugin table for ops and gatewayctl.
struct AdminAPI: Sendable {
    var registry: ChannelRegistry
    var version: String
    var statements: StatementFetcher
    var metrics: PrometheusCollectorRegistry = PrometheusMetricsFactory.defaultRegistry

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in
            try JSONBody.response(AdminHealth(status: "ok", version: version, channelKitAPI: ChannelKitVersion.api))
        }
        // Prometheus text exposition: recovery, webhooks, open/overdue transactions.
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
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
