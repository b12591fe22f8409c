import Foundation
import Testing

extension EndToEndLoadTests {
    /// `prefer: success_rate` through the real gateway, plugin and two bank simulators: traffic goes to the bank that
    /// succeeds, a share keeps trying the other, and when the banks trade places the traffic follows.
    @Suite("Routing: equal channels by recent success rate, with exploration", .serialized)
    struct SuccessRoutingTests {
        @Test("the failing bank gets only the exploring share; it recovers and the other fails → the traffic moves back; ops see each rate")
        func followsSuccess() async throws {
            let directory = try TestDirectory("success-routing")
            let bankA = try await SimulatorProcess.start(in: directory, extraArguments: ["--notify-delays", "3600"])
            let bankB = try await SimulatorProcess.start(in: directory, extraArguments: ["--notify-delays", "3600"])
            let configs = try directory.subdirectory("channel-configs")
            let plugins = try directory.subdirectory("plugins")
            try plugins.appendingPathComponent("libJiangnan.so").copy(from: try BuildProducts.product("libJiangnan.so"))
            // Breakers off: this test is about the rates alone (an open breaker would take a bank out entirely).
            for (id, bank) in [("a-bank", bankA), ("b-bank", bankB)] {
                try configs.appendingPathComponent("\(id).yaml").write(
                    text: JiangnanStack.jiangnanConfig(id: id, endpoint: bank.baseURL, requestTimeoutMs: 3000)
                        + "breaker: {failures: 0}\n")
            }
            try configs.appendingPathComponent("routing.yaml").write(text: """
                rules:
                  - name: best
                    match: {currency: CNY}
                    channels: [a-bank, b-bank]
                    prefer: success_rate
                    explore_percent: 10

                """)
            let gateway = try await GatewayProcess.start(
                in: directory, configDirectory: configs, pluginsDirectory: plugins,
                environment: [JiangnanStack.secretVariable: SimulatorProcess.secret], extraArguments: ["--no-recovery"],
                dataDirectory: try directory.subdirectory("gateway-data"))
            do {
                try await run(gateway, bankA, bankB, directory)
            } catch {
                print("success-routing: gateway log tail:\n" + String(gateway.readLog().suffix(3000)))
                _ = await gateway.terminate()
                _ = await bankA.terminate()
                _ = await bankB.terminate()
                throw error
            }
            _ = await gateway.terminate()
            _ = await bankA.terminate()
            _ = await bankB.terminate()
        }

        private func run(_ gateway: GatewayProcess, _ bankA: SimulatorProcess, _ bankB: SimulatorProcess, _ directory: TestDirectory) async throws {
            var count = 0
            /// `n` payments one after another; the channel of each.
            func pay(_ n: Int) async throws -> [String] {
                var channels: [String] = []
                for _ in 0..<n {
                    count += 1
                    let answer = try await TestHTTP.post(
                        gateway.merchant("/v1/payments"),
                        body: JSONSerialization.data(withJSONObject: [
                            "merchant_order_id": "sr-\(count)", "amount": 700, "currency": "CNY", "subject": "tea",
                        ]), headers: ["X-Merchant-Id": "m1"])
                    guard answer.status == 201, let channel = answer.string("channel") else {
                        throw HarnessError("payment \(count): \(answer.status) \(answer.text)")
                    }
                    channels.append(channel)
                }
                return channels
            }
            func faults(_ bank: SimulatorProcess, _ rates: [String: Double]) async throws {
                let answer = try await TestHTTP.send(
                    "PUT", URL(string: bank.baseURL.absoluteString + "/_sim/faults")!,
                    body: try JSONSerialization.data(withJSONObject: ["rates": rates]), headers: [:])
                guard answer.status == 200 else { throw HarnessError("faults: \(answer.text)") }
            }
            func share(_ channels: [String], _ id: String) -> Double {
                Double(channels.filter { $0 == id }.count) / Double(channels.count)
            }
            func rate(_ id: String) async throws -> Double? {
                let answer = try await TestHTTP.get(gateway.admin("/admin/channels/\(id)"), headers: gateway.adminHeaders)
                return ((answer.json["breaker"] as? [String: Any])?["recent_success_rate"] as? NSNumber)?.doubleValue
            }

            // A is busy 70 % of the time (pending, never a decline), B always answers: B takes the traffic, A keeps
            // about the exploring tenth.
            try await faults(bankA, ["busy": 0.7])
            _ = try await pay(100)
            let settled = try await pay(200)
            #expect(share(settled, "b-bank") >= 0.8, "B's share \(share(settled, "b-bank"))")
            #expect(share(settled, "a-bank") >= 0.02, "A was not explored: \(share(settled, "a-bank"))")
            let rateA = try #require(try await rate("a-bank"))
            let rateB = try #require(try await rate("b-bank"))
            #expect(rateA < 0.6 && rateB > 0.95, "A \(rateA), B \(rateB)")
            let shown = try await GatewayCtlRunner.run(["channels", "show", "b-bank"] + gateway.ctlArguments, in: directory)
            #expect(shown.stdout.contains("recent success") && shown.stdout.contains("of the last 100 attempts"), "\(shown.stdout)")

            // They trade places: A recovers (its exploring payments show it), B fails; the traffic moves to A.
            try await faults(bankA, [:])
            try await faults(bankB, ["busy": 0.7])
            _ = try await pay(200)
            let moved = try await pay(100)
            #expect(share(moved, "a-bank") >= 0.7, "A's share after the swap \(share(moved, "a-bank"))")
            #expect(share(moved, "b-bank") >= 0.01, "B was not explored")
        }
    }
}
