import Foundation
import GatewayAPI
import Testing

/// A plugin built outside this repository (Tests/Fixtures/PartnerPlugin) loads and serves a channel. It
/// implements only pay, refund and query (no statements, notifications or self-check) and declares one
/// optional, rotating credential.
@Suite("Partner plugin (real gateway process)")
struct PartnerPluginTests {
    /// Omits the plugin's optional credential altogether.
    static let config = """
        id: partner
        plugin: partner-bank
        online: true
        endpoint: http://127.0.0.1:9
        currencies: [CNY]
        max_amount: 5000000
        timeouts: {connect_ms: 2000, request_ms: 5000, download_ms: 60000}
        settings: {}
        credentials: {}

        """

    /// Gives the optional credential during a rotation (current and next), and a per-currency maximum.
    static let rotatingConfig = """
        id: partner-rotating
        plugin: partner-bank
        online: true
        endpoint: http://127.0.0.1:9
        currencies: [CNY]
        max_amount: {CNY: 7000}
        credentials:
          api_token:
            current: {env: PARTNER_TOKEN}
            next: {env: PARTNER_TOKEN_NEXT}

        """

    static let tokens = ["PARTNER_TOKEN": "partner-token-current-51c3", "PARTNER_TOKEN_NEXT": "partner-token-next-8d2e"]

    @Test("libPartnerBank.so starts, and its channel pays, refunds and answers queries")
    func partnerPluginServesAChannel() async throws {
        let directory = try TestDirectory("partner-plugin")
        let plugins = try directory.subdirectory("plugins")
        try plugins.appendingPathComponent("libPartnerBank.so").copy(from: try BuildProducts.fixture("libPartnerBank.so"))
        let configs = try directory.subdirectory("channel-configs")
        try configs.appendingPathComponent("partner.yaml").write(text: Self.config)
        try configs.appendingPathComponent("partner-rotating.yaml").write(text: Self.rotatingConfig)

        let gateway = try await GatewayProcess.start(
            in: directory, configDirectory: configs, pluginsDirectory: plugins, environment: Self.tokens)
        await recordingLog(gateway.readLog()) {
            try await Self.checkLoaded(gateway)
            try await Self.checkNotChecked(gateway, in: directory)
            try await Self.checkPaymentAndRefund(gateway)
            try await Self.checkBoundsAndNoStatements(gateway)
            for token in Self.tokens.values {
                #expect(!gateway.readLog().contains(token), "a credential value is in the gateway log")
            }
        }
        #expect(await gateway.terminate() == 0, "gateway did not stop cleanly on SIGTERM\n\(gateway.readLog())")
    }

    static func checkLoaded(_ gateway: GatewayProcess) async throws {
        let response = try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders)
        try #require(response.status == 200, "GET /admin/channels: \(response.text)")
        let report = try response.decode(AdminChannelsResponse.self)
        let plugin = try #require(report.plugins.first { $0.file == "libPartnerBank.so" }, "\(response.text)")
        #expect(plugin.state == .started, "\(plugin)")
        #expect(plugin.id == "partner-bank")
        #expect(plugin.version == "2.0.0")
        #expect(plugin.channelKitAPI == "2.0")
        #expect(plugin.swiftCompiler == "6.3.1")
        #expect(plugin.statements == nil, "the instant bank declares no statements: \(plugin)")
        #expect(report.configErrors.isEmpty, "\(report.configErrors)")
        let channel = try #require(report.channels.first { $0.id == "partner" }, "\(response.text)")
        #expect(channel.state == .ready, "\(channel)")
        #expect(channel.plugin == "partner-bank")
        #expect(channel.pluginVersion == "2.0.0")
        // The plugin has no self-check: "not checked", distinct from passed and failed, and still serving.
        #expect(channel.selfCheck?.status == .notChecked, "\(channel)")
        #expect(channel.limits == [AdminCurrencyLimit(currency: "CNY", minimum: 1, maximum: 5_000_000)])
        // The optional credential given as current + next: accepted, and the channel is ready too.
        let rotating = try #require(report.channels.first { $0.id == "partner-rotating" }, "\(response.text)")
        #expect(rotating.state == .ready, "\(rotating)")
        #expect(rotating.limits == [AdminCurrencyLimit(currency: "CNY", minimum: 1, maximum: 7000)])
        for token in tokens.values { #expect(!response.text.contains(token)) }
        // What each channel's plugin saw of the optional credential (it logs presence, never the value).
        let created = gateway.readLog().split(separator: "\n").filter { $0.contains("instant bank channel created") }
        #expect(created.contains { $0.contains("channel=partner ") && $0.contains("api_token=absent") }, "\(created)")
        #expect(
            created.contains { $0.contains("channel=partner-rotating") && $0.contains("api_token=present") && $0.contains("rotating=yes") },
            "\(created)")
    }

    /// `gatewayctl channels` prints "not checked" in the SELF-CHECK column of a channel whose plugin has no
    /// self-check.
    static func checkNotChecked(_ gateway: GatewayProcess, in directory: TestDirectory) async throws {
        let table = try await GatewayCtlRunner.run(["channels", "--admin-url", gateway.adminURL.absoluteString, "--admin-token-file", gateway.adminTokenFile.path], in: directory)
        #expect(table.status == 0, "\(table.log)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("CHANNEL ") }, "\(table.stdout)")
        #expect(header.contains("SELF-CHECK"), "\(header)")
        let row = try #require(lines.first { $0.hasPrefix("partner ") }, "\(table.stdout)")
        #expect(row.contains("not checked"), "\(row)")
        #expect(row.contains("ready"), "\(row)")
        // The column is where the header says it is.
        let column = try #require(header.range(of: "SELF-CHECK")).lowerBound.utf16Offset(in: header)
        #expect(row.dropFirst(column).hasPrefix("not checked"), "\(table.stdout)")
    }

    /// The gateway enforces the effective bounds before calling the plugin, and never asks a channel whose
    /// manifest declares no statements for one.
    static func checkBoundsAndNoStatements(_ gateway: GatewayProcess) async throws {
        let headers = MerchantAPI.headers()
        let tooLarge = try await TestHTTP.post(
            gateway.merchant("/v1/payments"),
            json: MerchantAPI.CreatePayment(amount: 7001, subject: "over the config's maximum", channel: "partner-rotating"),
            headers: headers)
        #expect(tooLarge.status == 422, "\(tooLarge.text)")
        #expect(tooLarge.errorCode == "amount_too_large", "\(tooLarge.text)")
        let statement = try await TestHTTP.post(
            gateway.admin("/admin/channels/partner/statements?date=2026-11-24"), body: Data(), headers: gateway.adminHeaders)
        #expect(statement.status == 422, "\(statement.text)")
        #expect(statement.errorCode == "statement_unsupported", "\(statement.text)")
    }

    static func checkPaymentAndRefund(_ gateway: GatewayProcess) async throws {
        let headers = MerchantAPI.headers()
        let body = MerchantAPI.CreatePayment(amount: 8800, subject: "partner plugin test", channel: "partner")
        let created = try await TestHTTP.post(gateway.merchant("/v1/payments"), json: body, headers: headers)
        try #require(created.status == 201, "POST /v1/payments: \(created.status) \(created.text)")
        let payment = try created.decode(MerchantAPI.Transaction.self)
        #expect(payment.status == "succeeded", "the instant bank confirms at once: \(created.text)")

        let queried = try await MerchantAPI.waitUntilFinal(gateway.merchant("/v1/payments/\(payment.id)"))
        #expect(queried.id == payment.id)
        #expect(queried.status == "succeeded")

        let refundBody = MerchantAPI.CreateRefund(amount: 800, reason: "partner plugin test")
        let refunded = try await TestHTTP.post(
            gateway.merchant("/v1/payments/\(payment.id)/refunds"), json: refundBody, headers: headers)
        try #require([200, 201].contains(refunded.status), "POST refunds: \(refunded.status) \(refunded.text)")
        let refund = try refunded.decode(MerchantAPI.Transaction.self)
        let final = try await MerchantAPI.waitUntilFinal(gateway.merchant("/v1/refunds/\(refund.id)"))
        #expect(final.status == "succeeded", "refund \(refund.id): \(final.status)")
    }
}
