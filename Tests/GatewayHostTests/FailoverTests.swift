import Foundation
import Testing

@testable import GatewayHost

/// Failover between two real channels (two Jiangnan simulators behind two channel configs, the real plugin and
/// gateway): only by ChannelKit 2.0's one rule, each attempt with its own bank-visible id, recorded, reconciled.
@Suite("Failover: not sent or refused safe to try elsewhere moves on; a timeout never does", .serialized)
struct FailoverTests {
    @Test("A refuses safe-to-try-elsewhere → B, new id; A times out → no B, resolved on A by query; reconciled as matched + matched_no_charge; A down → B; a named channel never fails over")
    func failover() async throws {
        try await EndToEndLoadTests.ReconSimulatorTests.awayFromMidnightInShanghai()
        let directory = try TestDirectory("failover")
        let bankA = try await SimulatorProcess.start(in: directory, extraArguments: ["--timeout-delay-ms", "3000", "--notify-delays", "3600"])
        let bankB = try await SimulatorProcess.start(in: directory, extraArguments: ["--notify-delays", "3600"])
        let configs = try directory.subdirectory("channel-configs")
        let plugins = try directory.subdirectory("plugins")
        try plugins.appendingPathComponent("libJiangnan.so").copy(from: try BuildProducts.product("libJiangnan.so"))
        try configs.appendingPathComponent("a-bank.yaml").write(
            text: JiangnanStack.jiangnanConfig(id: "a-bank", endpoint: bankA.baseURL, requestTimeoutMs: 1000))
        try configs.appendingPathComponent("b-bank.yaml").write(
            text: JiangnanStack.jiangnanConfig(id: "b-bank", endpoint: bankB.baseURL, requestTimeoutMs: 1000))
        let data = try directory.subdirectory("gateway-data")
        let recovery = ["--recovery-schedule", "0.3,0.6,1", "--recovery-poll-ms", "100"]
        func start(_ extra: [String] = []) async throws -> GatewayProcess {
            try await GatewayProcess.start(
                in: directory, configDirectory: configs, pluginsDirectory: plugins,
                environment: [JiangnanStack.secretVariable: SimulatorProcess.secret], extraArguments: recovery + extra,
                dataDirectory: data)
        }
        var gateway = try await start()
        do {
            try await run(&gateway, bankA, bankB, directory, start)
        } catch {
            print("failover: gateway log tail:\n" + String(gateway.readLog().suffix(4000)))
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
        _ gateway: inout GatewayProcess, _ bankA: SimulatorProcess, _ bankB: SimulatorProcess, _ directory: TestDirectory,
        _ start: ([String]) async throws -> GatewayProcess
    ) async throws {
        let date = EndToEndLoadTests.ReconSimulatorTests.shanghaiDate(Date())
        func pay(_ order: String, channel: String? = nil) async throws -> HTTPResult {
            var body: [String: Any] = ["merchant_order_id": order, "amount": 1200, "currency": "CNY", "subject": "tea"]
            if let channel { body["channel"] = channel }
            return try await TestHTTP.post(
                gateway.merchant("/v1/payments"), body: JSONSerialization.data(withJSONObject: body), headers: ["X-Merchant-Id": "m1"])
        }
        func record(_ bank: SimulatorProcess) async throws -> BankRecord {
            try await TestHTTP.get(URL(string: bank.baseURL.absoluteString + "/_sim/record")!).decode(BankRecord.self)
        }
        func faults(_ bank: SimulatorProcess, _ rates: [String: Double]) async throws {
            let answer = try await TestHTTP.send(
                "PUT", URL(string: bank.baseURL.absoluteString + "/_sim/faults")!,
                body: try JSONSerialization.data(withJSONObject: ["rates": rates]), headers: [:])
            guard answer.status == 200 else { throw HarnessError("faults: \(answer.text)") }
        }

        // 1. A refuses with 2005 (not processed, another channel may be tried): the payment succeeds on B.
        try await faults(bankA, ["not-supported": 1])
        let first = try await pay("fo-1")
        #expect(first.status == 201 && first.string("status") == "succeeded" && first.string("channel") == "b-bank", "\(first.text)")
        let firstId = try #require(first.string("id"))
        let attempts = try #require(first.json["attempts"] as? [[String: Any]], "\(first.text)")
        #expect(attempts.count == 2)
        #expect(attempts.first?["channel"] as? String == "a-bank" && attempts.first?["status"] as? String == "declined")
        #expect(attempts.first?["transaction_id"] as? String == firstId)
        #expect(attempts.first?["decline_reason"] as? String == "refused_try_elsewhere" && attempts.first?["bank_code"] as? String == "2005")
        #expect((attempts.first?["failover_reason"] as? String)?.contains("trying b-bank") == true, "\(attempts)")
        let secondId = try #require(attempts.last?["transaction_id"] as? String)
        #expect(secondId != firstId && attempts.last?["channel"] as? String == "b-bank" && attempts.last?["status"] as? String == "succeeded")
        let a = try await record(bankA)
        var b = try await record(bankB)
        #expect(a.requests.filter { $0.out_trade_no == firstId }.map(\.fault) == ["not-supported"])
        #expect(a.payments.isEmpty)
        #expect(b.payments.map(\.out_trade_no) == [secondId] && b.payments.first?.status == "SUCCESS")
        #expect(!b.requests.contains { $0.out_trade_no == firstId }, "B saw the first attempt's id")
        // Ops see both attempts: gatewayctl payments show (the admin API), a table and JSON.
        let shown = try await GatewayCtlRunner.run(["payments", "show", firstId] + gateway.ctlArguments, in: directory)
        let attemptRows = shown.stdout.split(separator: "\n").drop { $0 != "ATTEMPTS" }.dropFirst(2).map(String.init)
        #expect(shown.status == 0 && attemptRows.count == 2, "\(shown.stdout) \(shown.log)")
        #expect(attemptRows.first.map { $0.hasPrefix("1 ") && $0.contains("a-bank") && $0.contains(firstId) && $0.contains("refused_try_elsewhere") && $0.contains("2005") && $0.contains("trying b-bank") } == true, "\(shown.stdout)")
        #expect(attemptRows.last.map { $0.hasPrefix("2 ") && $0.contains("b-bank") && $0.contains(secondId) && $0.contains("succeeded") } == true, "\(shown.stdout)")
        let shownJSON = try await GatewayCtlRunner.run(["payments", "show", firstId, "--json"] + gateway.ctlArguments, in: directory)
        let adminAttempts = (try? JSONSerialization.jsonObject(with: Data(shownJSON.stdout.utf8)) as? [String: Any])?["attempts"] as? [[String: Any]]
        #expect(adminAttempts?.map { $0["transaction_id"] as? String ?? "" } == [firstId, secondId], "\(shownJSON.stdout)")
        // The transitions say why.
        let trail = try await TestHTTP.get(gateway.merchant("/v1/payments/\(firstId)/history"), headers: ["X-Merchant-Id": "m1"])
        #expect(trail.text.contains(#""cause":"failover""#) && trail.text.contains("trying b-bank"), "\(trail.text)")

        // 2. A times out (it recorded the payment, the answer comes too late): pending on A; B never hears of it;
        //    recovery's query on A resolves it there.
        try await faults(bankA, ["timeout": 1])
        let second = try await pay("fo-2")
        #expect(second.status == 201 && second.string("status") == "pending" && second.string("channel") == "a-bank", "\(second.text)")
        let timedOut = try #require(second.string("id"))
        #expect((second.json["attempts"] as? [Any])?.count == 1)
        try await faults(bankA, [:])
        let deadline = ContinuousClock.now + .seconds(30)
        var resolved = second
        while resolved.string("status") != "succeeded", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            resolved = try await TestHTTP.get(gateway.merchant("/v1/payments/\(timedOut)"), headers: ["X-Merchant-Id": "m1"])
        }
        #expect(resolved.string("status") == "succeeded" && resolved.string("channel") == "a-bank", "\(resolved.text)")
        b = try await record(bankB)
        #expect(!b.requests.contains { $0.out_trade_no == timedOut }, "a timed-out payment was tried on another channel")
        #expect(b.requests.filter { $0.target == "/api/v1/pay" }.count == 1)

        // 3. Reconciliation of the day: on A, the first payment's refused attempt is matched_no_charge and the
        //    timed-out payment matched; on B, the failed-over attempt is matched under its own id.
        let shift: Int64 = 26 * 3_600_000
        try await EndToEndLoadTests.ReconSimulatorTests.moveSimulatorClock(bankA.baseURL, by: shift)
        try await EndToEndLoadTests.ReconSimulatorTests.moveSimulatorClock(bankB.baseURL, by: shift)
        _ = await gateway.terminate()
        gateway = try await start(["--channel-clock-offset-ms", "\(shift)"])
        let onA = try await ReconTestSupport.run(gateway, channel: "a-bank", date: date)
        #expect(ReconTestSupport.totals(onA) == [
            "matched": .init(count: 1, amounts: ["CNY": 1200]),
            "matched_no_charge": .init(count: 1, amounts: ["CNY": 1200]),
        ], "\(onA.totals)")
        let onB = try await ReconTestSupport.run(gateway, channel: "b-bank", date: date)
        #expect(ReconTestSupport.totals(onB) == ["matched": .init(count: 1, amounts: ["CNY": 1200])], "\(onB.totals)")

        // 4. A is down (connection refused: nothing sent): the payment goes to B; named, it stays on A, declined.
        _ = await bankA.terminate()
        let third = try await pay("fo-3")
        #expect(third.status == 201 && third.string("status") == "succeeded" && third.string("channel") == "b-bank", "\(third.text)")
        let thirdAttempts = third.json["attempts"] as? [[String: Any]]
        #expect(thirdAttempts?.first?["decline_reason"] as? String == "not_sent" && thirdAttempts?.count == 2, "\(third.text)")
        let named = try await pay("fo-4", channel: "a-bank")
        #expect(named.string("status") == "declined" && named.string("channel") == "a-bank", "\(named.text)")
        #expect((named.json["attempts"] as? [Any])?.count == 1)
        let namedId = try #require(named.string("id"))
        b = try await record(bankB)
        #expect(!b.requests.contains { $0.out_trade_no == namedId })
        #expect(b.payments.count == 2, "B charged fo-1's second attempt and fo-3's")
    }
}
