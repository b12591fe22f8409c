import Foundation
import Testing

extension LiveOperationsTests {
    /// `/metrics` per channel and plugin, and structured logs that carry the request id: real gateway, real
    /// libJiangnan.so, real simulators.
    @Suite("Observability: per-channel metrics, JSON logs with request ids")
    struct ChannelMetricsTests {
        /// The value of the sample `name{labels…}` in a Prometheus text exposition, labels in any order.
        static func samples(_ text: String, _ name: String, _ labels: [String: String]) -> [Double] {
            text.split(separator: "\n").compactMap { line -> Double? in
                guard line.hasPrefix(name + "{") || (labels.isEmpty && line.hasPrefix(name + " ")) else { return nil }
                let parts = line.split(separator: " ")
                guard parts.count == 2, let value = Double(parts[1]) else { return nil }
                for (key, value) in labels where !line.contains("\(key)=\"\(value)\"") { return nil }
                return value
            }
        }

        static func total(_ text: String, _ name: String, _ labels: [String: String]) -> Double {
            samples(text, name, labels).reduce(0, +)
        }

        @Test("per-channel counters match the payments sent; online, state, in-flight and plugin gauges follow the registry; JSON log lines carry the request id")
        func metricsAndLogs() async throws {
            try await ChannelOpsStack.with("metrics", gatewayArguments: ["--log-format", "json"]) { stack in
                let gateway = stack.gateways[0]
                for index in 0..<7 {
                    let paid = try await stack.pay(gateway, order: "m-x-\(index)", channel: "x")
                    #expect(paid.status == 201, "\(paid.text)")
                }
                for index in 0..<3 {
                    let paid = try await stack.pay(gateway, order: "m-y-\(index)", channel: "y")
                    #expect(paid.status == 201, "\(paid.text)")
                }
                let declined = try await stack.pay(gateway, order: "m-x-declined", channel: "x", subject: "[sim:insufficient-funds]")
                #expect(declined.string("status") == "declined", "\(declined.text)")

                var metrics = try await TestHTTP.get(gateway.admin("/metrics")).text
                let bankX = try await stack.payRequests("x")
                #expect(Self.total(metrics, "gateway_channel_outcomes_total", ["channel": "x", "operation": "pay"]) == Double(bankX))
                #expect(bankX == 8)
                #expect(Self.total(metrics, "gateway_channel_outcomes_total", ["channel": "x", "operation": "pay", "status": "succeeded"]) == 7)
                #expect(Self.total(metrics, "gateway_channel_outcomes_total", ["channel": "x", "operation": "pay", "status": "declined"]) == 1)
                #expect(Self.total(metrics, "gateway_channel_outcomes_total", ["channel": "y", "operation": "pay"]) == 3)
                #expect(Self.total(metrics, "gateway_channel_call_duration_seconds_count", ["channel": "x", "operation": "pay"]) == 8, "\(metrics)")
                #expect(Self.samples(metrics, "gateway_channel_online", ["channel": "x"]) == [1])
                #expect(Self.samples(metrics, "gateway_channel_state", ["channel": "x", "state": "ready"]) == [1])
                #expect(Self.samples(metrics, "gateway_channel_state", ["channel": "x", "state": "stopped"]) == [0])
                #expect(Self.samples(metrics, "gateway_channel_in_flight", ["channel": "x"]) == [0])
                #expect(Self.samples(metrics, "gateway_plugin_state", ["file": "libJiangnan.so", "plugin": "jiangnan", "state": "started"]) == [1])

                let off = try await stack.gatewayctl(["channels", "offline", "x"], gateway: gateway)
                #expect(off.status == 0, "\(off.log)")
                metrics = try await TestHTTP.get(gateway.admin("/metrics")).text
                #expect(Self.samples(metrics, "gateway_channel_online", ["channel": "x"]) == [0])

                // A request id given by the merchant comes back and is on every JSON log line the request causes.
                let requestId = "obs-\(UUID().uuidString)"
                let body = try JSONSerialization.data(withJSONObject: [
                    "merchant_order_id": "m-rid", "amount": 100, "currency": "CNY", "subject": "rid", "channel": "y",
                ])
                let paid = try await TestHTTP.post(
                    gateway.merchant("/v1/payments"), body: body, headers: ["X-Merchant-Id": "m1", "X-Request-Id": requestId])
                #expect(paid.status == 201 && paid.header("X-Request-Id") == requestId, "\(paid.headers)")
                let lines = gateway.process.readLog().split(separator: "\n").compactMap { line in
                    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
                }
                #expect(lines.count > 10, "the gateway's stderr is not JSON lines")
                let tagged = lines.filter { $0["request_id"] as? String == requestId }
                #expect(tagged.contains { $0["message"] as? String == "pay" }, "\(tagged)")
                #expect(tagged.contains { ($0["channel"] as? String) == "y" && $0["level"] != nil && $0["ts"] != nil }, "\(tagged)")
            }
        }
    }
}
