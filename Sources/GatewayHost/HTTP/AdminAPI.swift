import ChannelKit
import Foundation
import GatewayAPI
import Hummingbird
import Prometheus

/// The admin API (loopback only): health and the channel/plugin table for ops and gatewayctl.
struct AdminAPI: Sendable {
    var registry: ChannelRegistry
    var reloader: ChannelConfigReloader
    /// The ledger, for ops' payment lookups and channel day totals.
    var payments: PaymentService
    var version: String
    var statements: StatementFetcher
    var reconciliation: ReconciliationService
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
            guard let entry = registry.channel(id) else { throw GatewayError.channelNotFound(id) }
            var channel = registry.adminChannel(entry)
            channel.today = try await Self.today(of: entry, payments: payments)
            return try JSONBody.response(channel)
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
                            channel: registry.adminChannel(entry), configFile: entry.configFile, changedBy: who,
                            changedAt: JSONBody.timestamp(Date())))
                } catch let error as GatewayError where error.code == "unknown_channel" {
                    throw GatewayError.channelNotFound(id)
                }
            }
        }
        // Forces the channel's circuit breaker open or closed, or gives it back to the automatic state: stored in
        // the ledger (every node applies it within a second, and it survives restarts), applied here at once.
        for state in ["open", "closed", "auto"] {
            router.post("/admin/channels/{id}/breaker/\(state)") { request, context in
                let id = try context.parameters.require("id")
                guard let entry = registry.channel(id) else {
                    throw GatewayError.channelNotFound(id)
                }
                let change = try await Self.change(from: request)
                let who = AdminIdentity.name ?? "unknown"
                let now = payments.now()
                let override = ChannelBreakers.Forced(rawValue: state).map {
                    ChannelBreakers.Override(forced: $0, by: who, reason: change.reason, at: now)
                }
                try await payments.store.setBreakerOverride(channelId: id, override)
                registry.breakers.apply(overrides: try await payments.store.breakerOverrides())
                return try JSONBody.response(
                    AdminChannelChangeResult(
                        channel: registry.adminChannel(entry), configFile: entry.configFile, changedBy: who,
                        changedAt: JSONBody.timestamp(now)))
            }
        }
        router.get("/admin/limits") { _, _ in
            guard let merchants = payments.merchants else { return try JSONBody.response(AdminLimitsResponse(limits: [])) }
            let report = LimitReport(registry: registry, merchants: merchants, store: payments.store)
            return try JSONBody.response(try await report.build(now: payments.now()))
        }
        router.get("/admin/payments/pending") { request, _ in
            let olderThan = Int(request.uri.queryParameters.get("older_than") ?? "300") ?? -1
            let limit = Int(request.uri.queryParameters.get("limit") ?? "100") ?? -1
            guard (0...31_536_000).contains(olderThan), (1...1000).contains(limit) else {
                throw GatewayError.invalidRequest("older_than must be 0–31536000 seconds and limit 1–1000")
            }
            let open = try await payments.store.openPayments(
                createdBefore: payments.now().addingTimeInterval(-Double(olderThan)), limit: limit)
            return try JSONBody.response(
                AdminPendingPayments(olderThanSeconds: olderThan, payments: open.map { Self.adminPayment($0, payments) }))
        }
        router.get("/admin/payments/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let record = try await payments.store.payment(id: id) else { throw GatewayError.paymentNotFound() }
            return try JSONBody.response(try await Self.adminPaymentWithAttempts(record, payments))
        }
        router.get("/admin/payments") { request, _ in
            guard let merchant = request.uri.queryParameters.get("merchant"), let order = request.uri.queryParameters.get("order")
            else { throw GatewayError.invalidRequest("query parameters merchant and order are required") }
            guard let record = try await payments.store.payment(merchantId: String(merchant), merchantOrderId: String(order)) else {
                throw GatewayError.paymentNotFound()
            }
            return try JSONBody.response(try await Self.adminPaymentWithAttempts(record, payments))
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
        addReconciliationRoutes(to: router)
        // Downloads and parses a channel's statement for ?date=yyyy-MM-dd through its plugin.
        router.post("/admin/channels/{id}/statements") { request, context in
            let id = try context.parameters.require("id")
            guard let text = request.uri.queryParameters.get("date") else {
                throw GatewayError(.unprocessableContent, "invalid_date", "the query parameter date (yyyy-MM-dd) is required")
            }
            guard text.count == 10, let date = BusinessDate(text) else {
                throw GatewayError(
                    .unprocessableContent, "invalid_date", "date must be a business date yyyy-MM-dd, got '\(text.prefix(32))'")
            }
            let records = request.uri.queryParameters.get("records")
            guard records == nil || records == "true" || records == "false" else {
                throw GatewayError.invalidRequest("records must be true or false")
            }
            let include = records == "true"
            return try JSONBody.response(try await statements.fetch(channelId: id, date: date, includeRecords: include))
        }
    }
}

extension AdminAPI {
    static func adminPayment(_ record: PaymentRecord, _ payments: PaymentService) -> AdminPayment {
        AdminPayment(
            id: record.id, merchantId: record.merchantId, merchantOrderId: record.merchantOrderId, channel: record.channelId,
            amount: record.amount, currency: record.currency, status: record.status.rawValue,
            outcomeReason: record.outcomeReason, bankCode: record.bankCode, bankMessage: record.bankMessage,
            bankTransactionId: record.bankTransactionId,
            needsAttention: payments.needsAttention(status: record.status, createdAt: record.createdAt),
            createdAt: JSONBody.timestamp(record.createdAt), updatedAt: JSONBody.timestamp(record.updatedAt),
            finishedAt: record.finishedAt.map(JSONBody.timestamp),
            ageSeconds: max(0, Int(payments.now().timeIntervalSince(record.createdAt))))
    }

    /// One payment with its attempts, the current one last (the earlier ones are read only when it failed over).
    static func adminPaymentWithAttempts(_ record: PaymentRecord, _ payments: PaymentService) async throws -> AdminPayment {
        let earlier = record.attemptNumber > 1 ? try await payments.store.attempts(paymentId: record.id) : []
        var payment = adminPayment(record, payments)
        payment.attempts =
            earlier.map { attempt in
                AdminPaymentAttempt(
                    number: attempt.number, channel: attempt.channelId, transactionId: attempt.id,
                    status: TransactionStatus.declined.rawValue, outcomeReason: attempt.outcomeReason,
                    bankCode: attempt.bankCode, bankMessage: attempt.bankMessage,
                    bankTransactionId: attempt.bankTransactionId, failoverReason: attempt.nextReason,
                    createdAt: JSONBody.timestamp(attempt.createdAt), finishedAt: JSONBody.timestamp(attempt.finishedAt))
            } + [
                AdminPaymentAttempt(
                    number: record.attemptNumber, channel: record.channelId, transactionId: record.transactionId,
                    status: record.status.rawValue, outcomeReason: record.outcomeReason, bankCode: record.bankCode,
                    bankMessage: record.bankMessage, bankTransactionId: record.bankTransactionId, failoverReason: nil,
                    createdAt: JSONBody.timestamp(earlier.last?.finishedAt ?? record.createdAt),
                    finishedAt: record.finishedAt.map(JSONBody.timestamp))
            ]
        return payment
    }

    /// The channel's payments since the start of the current business day: the bank's, when its manifest
    /// gives a statement time zone, else UTC's.
    static func today(of entry: ChannelEntry, payments: PaymentService) async throws -> AdminChannelDay {
        let zone = entry.manifest?.statements?.timeZone ?? TimeZone(identifier: "UTC")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let now = payments.now()
        let start = calendar.startOfDay(for: now)
        let day = calendar.dateComponents([.year, .month, .day], from: now)
        let totals = try await payments.store.channelTotals(channelId: entry.id, since: start)
        return AdminChannelDay(
            date: String(format: "%04d-%02d-%02d", day.year ?? 0, day.month ?? 0, day.day ?? 0),
            timeZone: zone.identifier,
            totals: totals.map {
                AdminChannelTotal(status: $0.status.rawValue, currency: $0.currency, count: $0.count, amount: $0.amount)
            })
    }

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
