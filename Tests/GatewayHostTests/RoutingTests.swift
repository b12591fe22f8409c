import AsyncHTTPClient
import ChannelKit
import Foundation
import GatewayConfig
import Testing

@testable import GatewayHost

extension EndToEndLoadTests {
    /// Routing rules through the real gateway: three channels on one bank simulator, a routing file beside their
    /// configs, payments that name no channel.
    @Suite("Routing: rules by amount, currency, merchant, payer, metadata; weighted split; fallback; skip reasons", .serialized)
    struct RoutingTests {
        static let rules = """
            rules:
              - name: big
                match: {currency: CNY, min_amount: 100000}
                channels: [c-bank, a-bank]
              - name: gold
                match: {metadata: {tier: gold}}
                channels: [b-bank]
              - name: east
                match: {payer_region: [east], merchants: [m1]}
                channels: [c-bank]
              - name: split
                match: {currency: CNY, max_amount: 99999}
                split: {a-bank: 70, b-bank: 30}
                fallback: [c-bank]

            """

        @Test("each rule routes its payments; a 70/30 split lands within ±5 points over 2,000 payments; offline channels fall back in order; the skip reasons are stated; a bad edit keeps the rules in force")
        func routing() async throws {
            let directory = try TestDirectory("routing")
            let bank = try await SimulatorProcess.start(in: directory, extraArguments: ["--notify-delays", "3600"])
            let configs = try directory.subdirectory("channel-configs")
            let plugins = try directory.subdirectory("plugins")
            try plugins.appendingPathComponent("libJiangnan.so").copy(from: try BuildProducts.product("libJiangnan.so"))
            for id in ["a-bank", "b-bank", "c-bank"] {
                try configs.appendingPathComponent("\(id).yaml").write(
                    text: JiangnanStack.jiangnanConfig(id: id, endpoint: bank.baseURL, requestTimeoutMs: 3000))
            }
            try configs.appendingPathComponent("routing.yaml").write(text: Self.rules)
            let gateway = try await GatewayProcess.start(
                in: directory, configDirectory: configs, pluginsDirectory: plugins,
                environment: [JiangnanStack.secretVariable: SimulatorProcess.secret], extraArguments: ["--no-recovery"],
                dataDirectory: try directory.subdirectory("gateway-data"))
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                try await run(gateway, configs, client, directory)
            } catch {
                print("routing: gateway log tail:\n" + String(gateway.readLog().suffix(3000)))
                _ = await gateway.terminate()
                _ = await bank.terminate()
                try? await client.shutdown()
                throw error
            }
            _ = await gateway.terminate()
            _ = await bank.terminate()
            try await client.shutdown()
        }

        private func run(_ gateway: GatewayProcess, _ configs: URL, _ client: HTTPClient, _ directory: TestDirectory) async throws {
            let counter = EndToEndLoadTests.ChaosTests.Shared(0)
            let url = gateway.merchant("/v1/payments")
            @Sendable func pay(_ amount: Int64, currency: String = "CNY", extra: [String: Any] = [:]) async throws -> HTTPResult {
                let n = counter.withLock { value in
                    value += 1
                    return value
                }
                var body: [String: Any] = ["merchant_order_id": "rt-\(n)", "amount": amount, "currency": currency, "subject": "tea"]
                body.merge(extra) { _, new in new }
                return try await TestHTTP.signedPost(client, url, body: JSONSerialization.data(withJSONObject: body))
            }

            // Amount range, metadata, merchant and payer region, each to its rule's channel.
            #expect(try await pay(150_000).string("channel") == "c-bank")
            #expect(try await pay(500, extra: ["metadata": ["tier": "gold"]]).string("channel") == "b-bank")
            #expect(try await pay(500, extra: ["payer": ["bank": "ICBC", "region": "east"]]).string("channel") == "c-bank")
            let badPayer = try await pay(500, extra: ["payer": ["region": "east side!"]])
            #expect(badPayer.status == 400 && badPayer.text.contains("payer.region"), "\(badPayer.text)")

            // The 70/30 split over 2,000 payments, 16 at a time.
            let channels = try await withThrowingTaskGroup(of: [String].self) { group in
                let next = EndToEndLoadTests.ChaosTests.Shared(0)
                for _ in 0..<16 {
                    group.addTask {
                        var seen: [String] = []
                        while next.withLock({ value in
                            defer { value += 1 }
                            return value
                        }) < 2000 {
                            let answer = try await pay(100)
                            guard answer.status == 201 else { throw HarnessError("split payment: \(answer.status) \(answer.text)") }
                            seen.append(answer.string("channel") ?? "?")
                        }
                        return seen
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(channels.count == 2000)
            let share = Double(channels.filter { $0 == "a-bank" }.count) / Double(channels.count)
            #expect((0.65...0.75).contains(share), "a-bank took \(share)")
            #expect(channels.allSatisfy { $0 == "a-bank" || $0 == "b-bank" }, "the split's fallback served while both were up")

            // Priority fallback: a-bank offline → the split's other channel; b-bank offline too → its fallback.
            func offline(_ id: String) async throws {
                let answer = try await TestHTTP.post(
                    gateway.admin("/admin/channels/\(id)/offline"), body: Data(#"{"reason":"routing test"}"#.utf8),
                    headers: gateway.adminHeaders)
                guard answer.status == 200 else { throw HarnessError("offline \(id): \(answer.text)") }
            }
            try await offline("a-bank")
            for _ in 0..<10 { #expect(try await pay(100).string("channel") == "b-bank") }
            try await offline("b-bank")
            #expect(try await pay(100).string("channel") == "c-bank")
            try await offline("c-bank")
            let none = try await pay(100)
            #expect(none.status == 422 && none.text.contains("no_channel_available"), "\(none.text)")
            #expect(none.text.contains("a-bank: offline") && none.text.contains("b-bank: offline") && none.text.contains("c-bank: offline"), "\(none.text)")
            // Currency and amount skips, with no rule (USD) and with the big rule (over the channels' maximum).
            for id in ["a-bank", "b-bank", "c-bank"] {
                _ = try await TestHTTP.post(gateway.admin("/admin/channels/\(id)/online"), body: Data(), headers: gateway.adminHeaders)
            }
            let usd = try await pay(100, currency: "USD")
            #expect(usd.status == 422 && usd.text.contains("a-bank: currency") && usd.text.contains("c-bank: currency"), "\(usd.text)")
            let tooBig = try await pay(6_000_000)
            #expect(tooBig.status == 422 && tooBig.text.contains("c-bank: amount") && tooBig.text.contains("a-bank: amount"), "\(tooBig.text)")

            // A bad edit is refused with its key and line; the rules in force stay.
            try configs.appendingPathComponent("routing.yaml").write(
                text: Self.rules.replacingOccurrences(of: "{a-bank: 70, b-bank: 30}", with: "{a-bank: 70, b-bank: 40}"))
            let deadline = ContinuousClock.now + .seconds(10)
            var listed = ""
            while !listed.contains("routing.yaml"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                listed = try await GatewayCtlRunner.run(
                    ["channels", "--admin-url", gateway.adminURL.absoluteString, "--admin-token-file", gateway.adminTokenFile.path],
                    in: directory
                ).stdout
            }
            #expect(listed.contains("routing.yaml") && listed.contains("rules[3].split") && listed.contains("110"), "\(listed)")
            #expect(try await pay(150_000).string("channel") == "c-bank")
            // Deleted: back to every channel by id.
            try FileManager.default.removeItem(at: configs.appendingPathComponent("routing.yaml"))
            try await Task.sleep(for: .seconds(1.5))
            #expect(try await pay(150_000).string("channel") == "a-bank")
        }
    }
}

@Suite("Routing: the rules file")
struct RoutingRulesTests {
    @Test("a split draws its first channel by percentage, then the others by weight, then the fallback")
    func order() throws {
        let rules = try RoutingRules.parse(contents: EndToEndLoadTests.RoutingTests.rules, fileName: "routing.yaml")
        let split = try #require(rules.rules.last)
        #expect(split.order(draw: 0) == ["a-bank", "b-bank", "c-bank"])
        #expect(split.order(draw: 69) == ["a-bank", "b-bank", "c-bank"])
        #expect(split.order(draw: 70) == ["b-bank", "a-bank", "c-bank"])
        #expect(split.order(draw: 99) == ["b-bank", "a-bank", "c-bank"])
        let cny = Money(minorUnits: 100, currency: Currency(code: "CNY")!)
        #expect(rules.rule(amount: cny, merchant: "m2", payerBank: nil, payerRegion: "east", metadata: nil)?.name == "split")
        #expect(rules.rule(amount: cny, merchant: "m1", payerBank: nil, payerRegion: "east", metadata: nil)?.name == "east")
        #expect(rules.rule(amount: Money(minorUnits: 100, currency: Currency(code: "USD")!), merchant: "m1", payerBank: nil, payerRegion: nil, metadata: nil) == nil)
    }

    @Test("bad rules are refused with their key and line", arguments: [
        ("rules:\n  - name: x\n    channels: []\n", "rules[0].channels", "non-empty"),
        ("rules:\n  - name: x\n    split: {a: 50, b: 40}\n", "rules[0].split", "add up to 90"),
        ("rules:\n  - name: x\n    channels: [a]\n    split: {a: 100}\n", "rules[0].split", "not both"),
        ("rules:\n  - name: x\n    channels: [a]\n    fallback: [b]\n", "rules[0].fallback", "goes with split"),
        ("rules:\n  - name: x\n    match: {colour: red}\n    channels: [a]\n", "rules[0].match.colour", "unknown condition"),
        ("rules:\n  - name: x\n    match: {currency: XYZQ}\n    channels: [a]\n", "rules[0].match.currency", "ISO 4217"),
        ("rules:\n  - name: x\n    match: {min_amount: 9, max_amount: 5}\n    channels: [a]\n", "rules[0].match.min_amount", "above"),
        ("rules:\n  - name: x\n    channels: [a]\n  - name: x\n    channels: [b]\n", "rules[1].name", "twice"),
        ("rules:\n  - channels: [a]\n", "rules[0].name", "required"),
        ("routes: []\n", "routes", "unknown key"),
        ("rules:\n  - name: x\n    split: {a: 100}\n    prefer: success_rate\n", "rules[0].prefer", "goes with channels"),
        ("rules:\n  - name: x\n    channels: [a, b]\n    prefer: speed\n", "rules[0].prefer", "success_rate"),
        ("rules:\n  - name: x\n    channels: [a, b]\n    explore_percent: 5\n", "rules[0].explore_percent", "goes with prefer"),
        ("rules:\n  - name: x\n    channels: [a, b]\n    prefer: success_rate\n    explore_percent: 60\n", "rules[0].explore_percent", "0 to 50"),
    ])
    func bad(yaml: String, key: String, words: String) {
        do {
            _ = try RoutingRules.parse(contents: yaml, fileName: "routing.yaml")
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.key == key && error.message.contains(words), "\(error)")
            #expect(error.line != nil, "\(error)")
        }
    }

    @Test("prefer: success_rate orders equal channels by recent success (none yet counts as best; ties keep the order); an exploring payment tries another first")
    func successRateOrder() throws {
        let rules = try RoutingRules.parse(
            contents: "rules:\n  - name: best\n    channels: [a, b, c]\n    prefer: success_rate\n    explore_percent: 20\n",
            fileName: "routing.yaml")
        let rule = try #require(rules.rules.first)
        #expect(rule.prefersSuccessRate && rule.explorePercent == 20)
        #expect(try RoutingRules.parse(contents: "rules:\n  - name: x\n    channels: [a, b]\n    prefer: success_rate\n", fileName: "r.yaml")
            .rules.first?.explorePercent == 10)
        let rates: [String: Double] = ["a": 0.4, "b": 0.9, "c": 0.9]
        let order = { (explore: Bool, pick: Int) in
            PaymentRouter.bySuccessRate(["a", "b", "c"], rate: { rates[$0] }, explore: explore, pick: { _ in pick })
        }
        #expect(order(false, 0) == ["b", "c", "a"])
        #expect(order(true, 0) == ["c", "b", "a"])
        #expect(order(true, 1) == ["a", "b", "c"])
        #expect(PaymentRouter.bySuccessRate(["a", "b", "c"], rate: { $0 == "a" ? 0.99 : nil }, explore: false, pick: { _ in 0 }) == ["b", "c", "a"])
        #expect(PaymentRouter.bySuccessRate(["a"], rate: { _ in 0 }, explore: true, pick: { _ in 0 }) == ["a"])
    }

    @Test("recent success rates: a ring of the last 100 attempts; the payer's own declines do not count")
    func successRates() {
        let rates = ChannelSuccessRates()
        #expect(rates.rate("a") == nil)
        for index in 0..<150 {
            let paid = ChannelOutcome.succeeded(
                bankTransactionId: "b", amount: Money(minorUnits: 100, currency: Currency(code: "CNY")!), finishedAt: nil)
            rates.record(index < 50 ? .pending(.busy, message: "busy") : paid, channel: "a")
        }
        #expect(rates.rate("a")?.rate == 1 && rates.rate("a")?.attempts == 100, "the first 50 left the window")
        rates.record(.declined(.declined, bankCode: "2001", message: "insufficient funds"), channel: "a")
        #expect(rates.rate("a")?.rate == 1)
        rates.record(.notSent("connection refused"), channel: "a")
        #expect(rates.rate("a")?.rate == 0.99)
    }

    @Test("a YAML syntax error in the routing file is reported with its line, as in a channel config")
    func syntaxError() {
        do {
            _ = try RoutingRules.parse(contents: "rules:\n  - name: x\n    channels: [a, b\n", fileName: "routing.yaml")
            Issue.record("accepted broken YAML")
        } catch {
            #expect(error.message.hasPrefix("not valid YAML") && error.line != nil, "\(error)")
        }
    }

    @Test("the routing file is not read as a channel config")
    func notAChannel() {
        #expect(!ChannelConfigFile.isConfigFileName("routing.yaml") && ChannelConfigFile.isConfigFileName("jiangnan.yaml"))
    }
}
