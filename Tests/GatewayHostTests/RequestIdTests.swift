import Foundation
import Testing

/// Every merchant request has an id: a valid `X-Request-Id` is kept, anything else replaced by a generated
/// one; it comes back in the response header (errors included) and is on every log line the request causes,
/// the channel plugin's among them.
@Suite("Request ids")
struct RequestIdTests {
    static func header(_ result: HTTPResult) -> String? {
        result.headers.first { $0.name.lowercased() == "x-request-id" }?.value
    }

    @Test("a valid X-Request-Id is kept and logged by the gateway and the plugin; others are replaced")
    func requestIds() async throws {
        try await JiangnanStack.with("request-id") { stack in
            let given = "test-req-\(UUID().uuidString)"
            let body = try JSONSerialization.data(withJSONObject: [
                "merchant_order_id": "rid-\(UUID().uuidString.prefix(8))", "amount": 321, "currency": "CNY",
                "subject": "Tea", "channel": "jiangnan",
            ])
            let paid = try await TestHTTP.post(
                stack.gateway.merchant("/v1/payments"), body: body, headers: ["X-Merchant-Id": "m1", "X-Request-Id": given])
            #expect(paid.status == 201, "\(paid.text)")
            #expect(Self.header(paid) == given)
            try await Task.sleep(for: .milliseconds(300))
            let lines = stack.gateway.readLog().split(separator: "\n").filter { $0.contains("request_id=\(given)") }
            // The plugin's own lines ("pay", "bank outcome") carry it: the id reaches every log line of the request.
            #expect(lines.contains { $0.contains("bank outcome") }, "\(lines)")
            #expect(lines.contains { $0.contains("] pay") || $0.hasSuffix(" pay") }, "\(lines)")

            // Absent, too long, or with characters outside the allowed set: a generated id.
            for bad in [nil, String(repeating: "a", count: 129), "has space", "semi;colon"] {
                var headers = ["X-Merchant-Id": "m1"]
                if let bad { headers["X-Request-Id"] = bad }
                let answer = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/pay_nosuch"), headers: headers)
                #expect(answer.status == 404, "\(answer.text)")
                let id = try #require(Self.header(answer), "no X-Request-Id on an error answer")
                #expect(id.hasPrefix("req_") && id.count == 28 && id != bad, "\(id)")
            }
            // Admin answers carry one as well.
            let health = try await TestHTTP.get(stack.gateway.admin("/healthz"), headers: ["X-Request-Id": "ops-check-1"])
            #expect(Self.header(health) == "ops-check-1")
        }
    }
}
