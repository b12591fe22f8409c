import Foundation
import Testing

@testable import GatewayHost

/// The per-channel circuit breaker through the real gateway, plugin and two bank simulators.
@Suite("Breaker: a failing bank leaves rotation by itself, probes bring it back, ops can force it", .serialized)
struct BreakerTests {
    /// Long enough that the steps between the trip and the probe fit in it on a loaded machine (2 s did not,
    /// nor did 10 s when the whole suite ran beside it).
    static let coolDown = 30
    @Test("timeouts open it; named → 503 channel_degraded, never sent; routed → the other bank; shown degraded; recovered → a probe closes it; forced open holds across a restart until auto; forced closed admits; an automatic open does not survive a restart")
    func breaker() async throws {
        let directory = try TestDirectory("breaker")
        let bankA = try await SimulatorProcess.start(in: directory, extraArguments: ["--timeout-delay-ms", "3000", "--notify-delays", "3600"])
        let bankB = try await SimulatorProcess.start(in: directory, extraArguments: ["--notify-delays", "3600"])
        let configs = try directory.subdirectory("channel-configs")
        let plugins = try directory.subdirectory("plugins")
        try plugins.appendingPathComponent("libJiangnan.so").copy(from: try BuildProducts.product("libJiangnan.so"))
        try configs.appendingPathComponent("a-bank.yaml").write(
            text: JiangnanStack.jiangnanConfig(id: "a-bank", endpoint: bankA.baseURL, requestTimeoutMs: 800)
                + "breaker: {failures: 3, cool_down_seconds: \(Self.coolDown), probes: 1}\n")
        try configs.appendingPathComponent("b-bank.yaml").write(
            text: JiangnanStack.jiangnanConfig(id: "b-bank", endpoint: bankB.baseURL, requestTimeoutMs: 800))
        let data = try directory.subdirectory("gateway-data")
        func start() async throws -> GatewayProcess {
            try await GatewayProcess.start(
                in: directory, configDirectory: configs, pluginsDirectory: plugins,
                environment: [JiangnanStack.secretVariable: SimulatorProcess.secret], extraArguments: ["--no-recovery"],
                dataDirectory: data)
        }
        var gateway = try await start()
        do {
            try await run(&gateway, bankA, directory, start)
        } catch {
            print("breaker: gateway log tail:\n" + String(gateway.readLog().suffix(4000)))
            _ = await gateway.terminate()
            _ = await bankA.terminate()
            _ = await bankB.terminate()
            throw error
        }
        _ = await gateway.terminate()
        _ = await bankA.terminate()
        _ = await bankB.terminate()
    }

    private func run(
        _ gateway: inout GatewayProcess, _ bankA: SimulatorProcess, _ directory: TestDirectory,
        _ start: () async throws -> GatewayProcess
    ) async throws {
        var count = 0
        func pay(channel: String?) async throws -> HTTPResult {
            count += 1
            var body: [String: Any] = ["merchant_order_id": "br-\(count)", "amount": 900, "currency": "CNY", "subject": "tea"]
            if let channel { body["channel"] = channel }
            return try await TestHTTP.post(
                gateway.merchant("/v1/payments"), body: JSONSerialization.data(withJSONObject: body), headers: ["X-Merchant-Id": "m1"])
        }
        func faults(_ rates: [String: Double]) async throws {
            let answer = try await TestHTTP.send(
                "PUT", URL(string: bankA.baseURL.absoluteString + "/_sim/faults")!,
                body: try JSONSerialization.data(withJSONObject: ["rates": rates]), headers: [:])
            guard answer.status == 200 else { throw HarnessError("faults: \(answer.text)") }
        }
        func payRequestsAtA() async throws -> Int {
            try await TestHTTP.get(URL(string: bankA.baseURL.absoluteString + "/_sim/record")!).decode(BankRecord.self)
                .requests.filter { $0.target == "/api/v1/pay" }.count
        }
        func ctl(_ arguments: [String]) async throws -> (status: Int32, stdout: String, log: String) {
            try await GatewayCtlRunner.run(
                arguments + ["--admin-url", gateway.adminURL.absoluteString, "--admin-token-file", gateway.adminTokenFile.path],
                in: directory)
        }

        // Three timeouts in a row open it.
        try await faults(["timeout": 1])
        for _ in 0..<3 {
            let answer = try await pay(channel: "a-bank")
            #expect(answer.string("status") == "pending", "\(answer.text)")
        }
        #expect(try await payRequestsAtA() == 3)
        let opened = try await TestHTTP.get(gateway.admin("/admin/channels/a-bank"), headers: gateway.adminHeaders)
        #expect((opened.json["breaker"] as? [String: Any])?["state"] as? String == "open", "\(opened.text)")
        let refused = try await pay(channel: "a-bank")
        #expect(refused.status == 503 && refused.text.contains(#""channel_degraded""#), "\(refused.text)")
        #expect(refused.headers.contains { $0.name.lowercased() == "retry-after" && (Int($0.value) ?? 0) >= 1 }, "\(refused.headers)")
        #expect(try await payRequestsAtA() == 3, "a payment was sent to an open channel")
        // Routed: a-bank (first by id) is skipped, b-bank takes it.
        let routed = try await pay(channel: nil)
        #expect(routed.string("status") == "succeeded" && routed.string("channel") == "b-bank", "\(routed.text)")
        #expect((routed.json["attempts"] as? [Any])?.count == 1)
        #expect(try await payRequestsAtA() == 3)
        // Shown degraded, with the reason and when, in gatewayctl, the admin API and /metrics.
        let table = try await ctl(["channels"])
        let row = table.stdout.split(separator: "\n").first { $0.hasPrefix("a-bank") }.map(String.init) ?? ""
        #expect(row.contains("degraded: breaker open since") && row.contains("timeout"), "\(table.stdout)")
        let admin = try await TestHTTP.get(gateway.admin("/admin/channels/a-bank"), headers: gateway.adminHeaders)
        let breaker = admin.json["breaker"] as? [String: Any]
        #expect(breaker?["state"] as? String == "open" && breaker?["degraded"] as? Bool == true && breaker?["tripped_at"] is String, "\(admin.text)")
        let metrics = try await TestHTTP.get(gateway.admin("/metrics"), headers: gateway.adminHeaders).text
        #expect(metrics.contains(#"gateway_channel_degraded{channel="a-bank"} 1"#), "\(metrics.split(separator: "\n").filter { $0.contains("degraded") })")

        // The bank recovers; after the cool-down one probe payment closes the breaker.
        try await faults([:])
        let trippedAt = try #require(
            ISO8601DateFormatter.withFractions.date(from: breaker?["tripped_at"] as? String ?? ""), "\(admin.text)")
        let wait = trippedAt.addingTimeInterval(Double(Self.coolDown) + 0.3).timeIntervalSinceNow
        if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
        let probe = try await pay(channel: "a-bank")
        #expect(probe.string("status") == "succeeded", "\(probe.text)")
        let closed = try await TestHTTP.get(gateway.admin("/admin/channels/a-bank"), headers: gateway.adminHeaders)
        #expect((closed.json["breaker"] as? [String: Any])?["state"] as? String == "closed", "\(closed.text)")
        #expect(try await pay(channel: "a-bank").string("status") == "succeeded")

        // Forced open: holds (across a restart) until set back to auto.
        let forced = try await ctl(["channels", "breaker", "a-bank", "open", "--reason", "bank maintenance"])
        #expect(forced.status == 0 && forced.stdout.contains("forced_open"), "\(forced.stdout) \(forced.log)")
        let whileForced = try await pay(channel: "a-bank")
        #expect(whileForced.status == 503 && whileForced.text.contains("bank maintenance"), "\(whileForced.text)")
        _ = await gateway.terminate()
        gateway = try await start()
        let afterRestart = try await pay(channel: "a-bank")
        #expect(afterRestart.status == 503 && afterRestart.text.contains("forced open"), "\(afterRestart.text)")
        #expect(try await ctl(["channels"]).stdout.contains("degraded: breaker forced open by"))
        #expect(try await ctl(["channels", "breaker", "a-bank", "auto"]).status == 0)
        #expect(try await pay(channel: "a-bank").string("status") == "succeeded")

        // Forced closed: failures do not take it out.
        #expect(try await ctl(["channels", "breaker", "a-bank", "closed"]).status == 0)
        try await faults(["timeout": 1])
        for _ in 0..<4 {
            #expect(try await pay(channel: "a-bank").string("status") == "pending")
        }
        #expect(try await ctl(["channels", "breaker", "nowhere", "open"]).status == 4)

        // An automatic breaker does not survive a restart: opened by failures, it starts closed. (Back on auto it
        // may be open at once: it went on counting the timeouts while forced closed.)
        #expect(try await ctl(["channels", "breaker", "a-bank", "auto"]).status == 0)
        func state() async throws -> String? {
            let answer = try await TestHTTP.get(gateway.admin("/admin/channels/a-bank"), headers: gateway.adminHeaders)
            return (answer.json["breaker"] as? [String: Any])?["state"] as? String
        }
        for _ in 0..<3 where try await state() != "open" {
            #expect(try await pay(channel: "a-bank").string("status") == "pending")
        }
        #expect(try await state() == "open")
        #expect(gateway.readLog().contains("breaker opened"), "each trip is logged")
        try await faults([:])
        _ = await gateway.terminate()
        gateway = try await start()
        let restarted = try await TestHTTP.get(gateway.admin("/admin/channels/a-bank"), headers: gateway.adminHeaders)
        #expect((restarted.json["breaker"] as? [String: Any])?["state"] as? String == "closed", "\(restarted.text)")
        #expect(try await pay(channel: "a-bank").string("status") == "succeeded")
    }
}

extension ISO8601DateFormatter {
    /// RFC 3339 with milliseconds, as the admin API writes times.
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
