import Foundation
import GatewayAPI
import Testing

/// A plugin built outside this repository (Tests/Fixtures/PartnerPlugin) loads and serves a channel.
@Suite("Partner plugin (real gateway process)")
struct PartnerPluginTests {
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

    @Test("libPartnerBank.so starts, and its channel pays, refunds and answers queries")
    func partnerPluginServesAChannel() async throws {
        let directory = try TestDirectory("partner-plugin")
        let plugins = try directory.subdirectory("plugins")
        try plugins.appendingPathComponent("libPartnerBank.so").copy(from: try BuildProducts.fixture("libPartnerBank.so"))
        let configs = try directory.subdirectory("channel-configs")
        try configs.appendingPathComponent("partner.yaml").write(text: Self.config)

        let gateway = try await GatewayProcess.start(in: directory, configDirectory: configs, pluginsDirectory: plugins)
        await recordingLog(gateway.readLog()) {
            try await Self.checkLoaded(gateway)
            try await Self.checkPaymentAndRefund(gateway)
        }
        #expect(await gateway.terminate() == 0, "gateway did not stop cleanly on SIGTERM\n\(gateway.readLog())")
    }

    static func checkLoaded(_ gateway: GatewayProcess) async throws {
        let response = try await TestHTTP.get(gateway.admin("/admin/channels"))
        try #require(response.status == 200, "GET /admin/channels: \(response.text)")
        let report = try response.decode(AdminChannelsResponse.self)
        let plugin = try #require(report.plugins.first { $0.file == "libPartnerBank.so" }, "\(response.text)")
        #expect(plugin.state == .started, "\(plugin)")
        #expect(plugin.id == "partner-bank")
        #expect(plugin.version == "1.0.0")
        #expect(plugin.channelKitAPI == "1.0")
        #expect(plugin.swiftCompiler == "6.3.1")
        let channel = try #require(report.channels.first { $0.id == "partner" }, "\(response.text)")
        #expect(channel.state == .ready, "\(channel)")
        #expect(channel.plugin == "partner-bank")
        #expect(channel.pluginVersion == "1.0.0")
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
