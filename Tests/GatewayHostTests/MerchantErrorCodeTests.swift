import Foundation
import GRDB
import Testing

/// The merchant API's error codes no other suite provokes, each through the real gateway with the Jiangnan
/// simulator and the partner fixture plugin: every answer is a documented `Error` with its stable code (checked
/// here and, through `TestHTTP`, against docs/openapi.yaml by `APICoverageTests`).
@Suite("Merchant API error codes")
struct MerchantErrorCodeTests {
    static let minimumConfig = """
        id: jiangnan-min
        plugin: jiangnan
        online: true
        endpoint: http://127.0.0.1:9
        currencies: [CNY]
        min_amount: 500
        settings: {merchant_no: JN8800001}
        credentials:
          secret: {env: \(JiangnanStack.secretVariable)}

        """

    static let offlineUSDConfig = """
        id: jiangnan-usd
        plugin: jiangnan
        online: false
        endpoint: http://127.0.0.1:9
        currencies: [USD]
        settings: {merchant_no: JN8800001}
        credentials:
          secret: {env: \(JiangnanStack.secretVariable)}

        """

    @Test("amount_too_small, no_channel_available, refund_not_found, not_found (also for a method a route lacks), payload_too_large, unknown_channel and notifications_unsupported on the notify route, internal_error")
    func errorCodes() async throws {
        try await JiangnanStack.with("merchant-error-codes", extraConfigs: ["usd.yaml": Self.offlineUSDConfig]) { stack in
            try stack.configDirectory.appendingPathComponent("min.yaml").write(
                text: Self.minimumConfig.replacingOccurrences(of: "http://127.0.0.1:9", with: stack.simulator.baseURL.absoluteString))
            try stack.pluginsDirectory.appendingPathComponent("libPartnerBank.so").copy(from: try BuildProducts.fixture("libPartnerBank.so"))
            try stack.configDirectory.appendingPathComponent("partner.yaml").write(text: PartnerPluginTests.config)
            try await stack.restartGateway()
            let m1 = ["X-Merchant-Id": "m1"]
            func expectError(_ answer: HTTPResult, _ status: Int, _ code: String, _ name: String) {
                #expect(answer.status == status, "\(name): \(answer.status) \(answer.text)")
                #expect(answer.errorCode == code, "\(name): \(answer.text)")
                #expect((answer.json["error"] as? [String: Any])?["message"] as? String != nil, "\(name) has a message")
            }

            let small = try await stack.pay([
                "merchant_order_id": "small-1", "amount": 100, "currency": "CNY", "subject": "Tea", "channel": "jiangnan-min",
            ])
            expectError(small, 422, "amount_too_small", "below the channel's min_amount")
            #expect(small.text.contains("500"), "the message names the minimum: \(small.text)")

            let noChannel = try await stack.pay(["merchant_order_id": "usd-1", "amount": 100, "currency": "USD", "subject": "Tea"])
            expectError(noChannel, 422, "no_channel_available", "USD with its only channel offline")
            #expect(noChannel.text.contains("USD"), "the message names the currency: \(noChannel.text)")

            expectError(
                try await TestHTTP.get(stack.gateway.merchant("/v1/refunds/ref_nope"), headers: m1), 404, "refund_not_found",
                "an unknown refund")
            expectError(
                try await TestHTTP.get(stack.gateway.merchant("/v1/nowhere"), headers: m1), 404, "not_found", "an unknown route")
            expectError(
                try await TestHTTP.send("DELETE", stack.gateway.merchant("/v1/payments"), body: nil, headers: m1), 404,
                "not_found", "DELETE on /v1/payments (a method the route does not have)")
            let huge = Data(#"{"merchant_order_id":"big-1","amount":100,"currency":"CNY","subject":""#.utf8)
                + Data(repeating: UInt8(ascii: "a"), count: 2 << 20) + Data(#""}"#.utf8)
            expectError(
                try await TestHTTP.post(stack.gateway.merchant("/v1/payments"), body: huge, headers: m1), 413,
                "payload_too_large", "a 2 MiB payment request")

            let notification = Data("out_trade_no=x&sign=y".utf8)
            expectError(
                try await TestHTTP.post(stack.gateway.merchant("/v1/notify/nope"), body: notification), 404, "unknown_channel",
                "a notification for an unknown channel")
            expectError(
                try await TestHTTP.post(stack.gateway.merchant("/v1/notify/partner"), body: notification), 404,
                "notifications_unsupported", "a notification for a channel whose plugin receives none")

            // Nothing was stored by any of them.
            let database = try DatabaseQueue(path: stack.dataDirectory.appendingPathComponent("ledger.sqlite").path)
            #expect(try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM payments") } == 0)

            // A store that fails under the gateway (its refunds table dropped behind its back) gives a 500
            // internal_error that leaks nothing of the failure.
            try await database.write { try $0.execute(sql: "DROP TABLE refunds") }
            let broken = try await TestHTTP.get(stack.gateway.merchant("/v1/refunds/ref_any"), headers: m1)
            expectError(broken, 500, "internal_error", "a refund read from a table that is gone")
            #expect(!broken.text.lowercased().contains("refunds"), "the answer leaks the failure: \(broken.text)")
            #expect(!broken.text.lowercased().contains("sql"), "the answer leaks the failure: \(broken.text)")
        }
    }
}
