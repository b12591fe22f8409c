import ChannelKit
import Foundation
import GatewayAPI
import Hummingbird
import Prometheus

/// The admin API (loopback only): health and the channel/plugin table for ops and gatewayctl.
struct AdminAPI: Sendable {
    var registry: ChannelRegistry
    var reloader: ChannelConfigReloader
    var version: String
    var statements: StatementFetcher
    var metrics: PrometheusCollectorRegistry = PrometheusMetricsFactory.defaultRegistry
    /// The channel and plugin gauges, set from the registry at each scrape.
    var channelMetrics: ChannelMetrics = ChannelMetrics(prometheus: PrometheusMetricsFactory.defaultRegistry)

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in
            try JSONBody.response(AdminHealth(status: "ok", version: version, channelKitAPI: ChannelKitVersion.api))
        }
        // Prometheus text exposition: channels (outcomes, call durations, online, state, in flight), plugins,
        // recovery, webhooks, open/overdue transactions.
        router.get("/metrics") { _, _ in
            channelMetrics.refresh(from: registry)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
        router.get("/admin/channels") { _, _ in
            try JSONBody.response(registry.adminView)
        }
        router.get("/admin/channels/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let entry = registry.channel(id) else { throw GatewayError(.notFound, "unknown_channel", "no channel '\(id.prefix(64))'") }
            return try JSONBody.response(ChannelRegistry.adminChannel(entry))
        }
        // Each writes the flag into the channel's config file (only that line changes) and applies it at once.
        for (action, key, value) in [("offline", "online", false), ("online", "online", true), ("retire", "retired", true)] {
            router.post("/admin/channels/{id}/\(action)") { request, context in
                let id = try context.parameters.require("id")
                let change = try await Self.change(from: request)
                let who = AdminIdentity.name ?? "unknown"
                do {
                    let entry = try await reloader.set(key, to: value, channel: id, by: who, reason: change.reason)
                    return try JSONBody.response(
                        AdminChannelChangeResult(
                            channel: ChannelRegistry.adminChannel(entry), configFile: entry.configFile, changedBy: who))
                } catch let error as GatewayError where error.code == "unknown_channel" {
                    throw GatewayError(.notFound, "unknown_channel", "no channel '\(id.prefix(64))'")
                }
            }
        }
        router.get("/admin/plugins") { _, _ in
            let snapshot = registry.snapshot
            return try JSONBody.response(
                AdminPluginsResponse(
                    plugins: snapshot.plugins.map(ChannelRegistry.adminPlugin), pins: await reloader.pins.versions,
                    channels: snapshot.channels.values.sorted { $0.id < $1.id }.map {
                        AdminChannelPlugin(channel: $0.id, plugin: $0.pluginId, version: $0.instance == nil ? nil : $0.pluginVersion)
                    }))
        }
        router.post("/admin/plugins/rescan") { _, _ in
            try JSONBody.response(Self.result(await reloader.rescanPlugins(), installed: nil))
        }
        router.post("/admin/plugins/install") { request, _ in
            let body = try await JSONBody.decode(AdminPluginInstall.self, from: request)
            let (record, change) = try await reloader.installPlugin(from: body.path)
            return try JSONBody.response(Self.result(change, installed: record), status: .created)
        }
        router.post("/admin/plugins/{id}/use") { request, context in
            let id = try context.parameters.require("id")
            let body = try await JSONBody.decode(AdminPluginUse.self, from: request)
            return try JSONBody.response(Self.result(try await reloader.usePlugin(id, version: body.version), installed: nil))
        }
        router.post("/admin/config/reload") { _, _ in
            let report = await reloader.reload(force: true)
            return try JSONBody.response(
                AdminReloadReport(
                    applied: report.applied, unchanged: report.unchanged, removed: report.removed,
                    rejected: report.rejected.map(ChannelRegistry.adminConfigError),
                    merchantsChanged: report.merchantsChanged, merchantsError: report.merchantsError))
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

extension AdminAPI {
    static func result(_ change: ChannelConfigReloader.PluginChange, installed: PluginRecord?) -> AdminPluginChangeResult {
        AdminPluginChangeResult(
            installed: installed.map(ChannelRegistry.adminPlugin), loaded: change.loaded.map(ChannelRegistry.adminPlugin),
            switched: change.switched.keys.sorted().map {
                AdminPluginSwitch(plugin: $0, from: change.switched[$0]!.from, to: change.switched[$0]!.to)
            },
            problems: change.problems)
    }

    /// The optional JSON body of a channel change; an empty body means no reason.
    static func change(from request: Request) async throws -> AdminChannelChange {
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        guard body.readableBytes > 0 else { return AdminChannelChange() }
        do {
            return try JSONDecoder().decode(AdminChannelChange.self, from: body)
        } catch {
            throw GatewayError.invalidJSON("the body must be {\"reason\": \"…\"} or empty")
        }
    }
}
