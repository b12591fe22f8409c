import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import GatewayHost

extension EndToEndLoadTests {
    /// 限额限次 under load: 1,000 concurrent payments against a channel's daily amount cap and a merchant's daily
    /// count cap on another channel, through real gateways (two on one PostgreSQL, or one on SQLite), the real
    /// plugin and the bank simulator.
    @Suite("Limits: 1,000 concurrent payments against daily caps", .serialized)
    struct LimitsLoadTests {
        static let payments = 1000
        static let amountCap: Int64 = 200_000
        static let countCap = 250

        static func amount(_ index: Int) -> Int64 { 300 + Int64((index * 7_919) % 1_000) }  // 300…1,299
        static func channel(_ index: Int) -> String { index % 2 == 0 ? "cap-amount" : "cap-count" }

        @Test("SQLite, one gateway: neither cap is passed, each is filled to within one payment, the bank charged exactly the accepted ones")
        func sqlite() async throws {
            try await run(database: nil, gateways: 1)
        }

        @Test("PostgreSQL, two gateways: neither cap is passed, each is filled to within one payment, the bank charged exactly the accepted ones")
        func postgres() async throws {
            let database = try await PostgresTestServer.createDatabase()
            let url = "postgres://\(database.username)@\(database.host):\(database.port)/\(database.database)"
            do {
                try await run(database: url, gateways: 2)
            } catch {
                try? await PostgresTestServer.dropDatabase(database.database)
                throw error
            }
            try await PostgresTestServer.dropDatabase(database.database)
        }

        private func run(database: String?, gateways count: Int) async throws {
            let directory = try TestDirectory("limits-load")
            let simulator = try await SimulatorProcess.start(in: directory)
            let configs = try directory.subdirectory("channel-configs")
            let plugins = try directory.subdirectory("plugins")
            try plugins.appendingPathComponent("libJiangnan.so").copy(from: try BuildProducts.product("libJiangnan.so"))
            try configs.appendingPathComponent("cap-amount.yaml").write(
                text: JiangnanStack.jiangnanConfig(id: "cap-amount", endpoint: simulator.baseURL, requestTimeoutMs: 5000)
                    + "limits: {daily_amount: \(Self.amountCap), time_zone: Asia/Shanghai}\n")
            try configs.appendingPathComponent("cap-count.yaml").write(
                text: JiangnanStack.jiangnanConfig(id: "cap-count", endpoint: simulator.baseURL, requestTimeoutMs: 5000)
                    + "limits:\n  merchants:\n    m1: {daily_count: \(Self.countCap), max_amount: 1000000}\n")
            var gateways: [GatewayProcess] = []
            var client: HTTPClient?
            do {
                for index in 0..<count {
                    gateways.append(
                        try await GatewayProcess.start(
                            in: directory, configDirectory: configs, pluginsDirectory: plugins,
                            environment: [JiangnanStack.secretVariable: SimulatorProcess.secret], publicURL: nil,
                            extraArguments: database.map { ["--database-url", $0] } ?? [],
                            dataDirectory: try directory.subdirectory("data-\(index)")))
                }
                var configuration = HTTPClient.Configuration()
                configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
                client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
                try await check(gateways, simulator, client!, directory)
            } catch {
                for gateway in gateways { print("limits: gateway log tail:\n" + String(gateway.readLog().suffix(3000))) }
                for gateway in gateways { await gateway.terminate() }
                await simulator.terminate()
                try? await client?.shutdown()
                throw error
            }
            for gateway in gateways {
                let log = gateway.readLog()
                print("limits: gateway log: \(log.components(separatedBy: "deadlocked").count - 1) deadlock retries")
            }
            for gateway in gateways { await gateway.terminate() }
            await simulator.terminate()
            try await client?.shutdown()
        }

        struct Answer: Sendable {
            var index: Int
            var status: Int
            var paymentId: String?
            var paymentStatus: String?
            var errorCode: String?
            var limitName: String?
            var text: String
        }

        private func check(_ gateways: [GatewayProcess], _ simulator: SimulatorProcess, _ client: HTTPClient, _ directory: TestDirectory)
            async throws
        {
            // 64 workers take the next payment as they go: 64 requests in flight at any time, over both gateways.
            let next = ChaosTests.Shared(0)
            let urls = gateways.map { $0.merchant("/v1/payments") }
            let answers = try await withThrowingTaskGroup(of: [Answer].self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        var answers: [Answer] = []
                        while true {
                            let index = next.withLock { value in
                                defer { value += 1 }
                                return value
                            }
                            guard index < Self.payments else { return answers }
                            let url = urls[index % urls.count]
                            let body = try JSONSerialization.data(withJSONObject: [
                                "merchant_order_id": "cap-\(index)", "amount": Self.amount(index), "currency": "CNY",
                                "subject": "cap \(index)", "channel": Self.channel(index),
                            ])
                            let result = try await TestHTTP.signedPost(client, url, body: body, timeout: 120)
                            let object = (try? JSONSerialization.jsonObject(with: result.body)) as? [String: Any]
                            let error = object?["error"] as? [String: Any]
                            answers.append(
                                Answer(
                                    index: index, status: result.status, paymentId: object?["id"] as? String,
                                    paymentStatus: object?["status"] as? String, errorCode: error?["code"] as? String,
                                    limitName: (error?["limit"] as? [String: Any])?["name"] as? String, text: result.text))
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(answers.count == Self.payments)
            let accepted = answers.filter { $0.status == 201 }
            let refused = answers.filter { $0.status == 422 && $0.errorCode == "limit_exceeded" }
            #expect(accepted.count + refused.count == Self.payments, "other answers: \(answers.filter { $0.status != 201 && $0.status != 422 }.prefix(3).map(\.text))")
            #expect(accepted.allSatisfy { $0.paymentStatus == "succeeded" }, "\(accepted.first { $0.paymentStatus != "succeeded" }?.text ?? "")")

            // The channel's daily amount cap: never passed, and every refused payment really did not fit.
            let amountAccepted = accepted.filter { Self.channel($0.index) == "cap-amount" }
            let amountTotal = amountAccepted.reduce(Int64(0)) { $0 + Self.amount($1.index) }
            #expect(amountTotal <= Self.amountCap)
            let amountRefused = refused.filter { Self.channel($0.index) == "cap-amount" }
            #expect(!amountRefused.isEmpty)
            for answer in amountRefused {
                #expect(answer.limitName == "daily_amount", "\(answer.text)")
                #expect(amountTotal + Self.amount(answer.index) > Self.amountCap, "payment \(answer.index) fitted but was refused")
            }
            // The merchant's daily count cap on the other channel: exactly full.
            let countAccepted = accepted.filter { Self.channel($0.index) == "cap-count" }
            #expect(countAccepted.count == Self.countCap)
            #expect(refused.filter { Self.channel($0.index) == "cap-count" }.allSatisfy { $0.limitName == "daily_count" })

            // The bank saw exactly the accepted payments, each once; a refused one was never sent.
            let record = try await TestHTTP.get(URL(string: simulator.baseURL.absoluteString + "/_sim/record")!).decode(BankRecord.self)
            let acceptedIds = Set(accepted.compactMap(\.paymentId))
            #expect(acceptedIds.count == accepted.count)
            #expect(Set(record.payments.filter { $0.status == "SUCCESS" }.map(\.out_trade_no)) == acceptedIds)
            #expect(record.requests.filter { $0.target == "/api/v1/pay" }.count == accepted.count)

            // gatewayctl limits shows the same use.
            let gateway = gateways[0]
            let shown = try await GatewayCtlRunner.run(
                ["limits", "--json", "--admin-url", gateway.adminURL.absoluteString, "--admin-token-file", gateway.adminTokenFile.path],
                in: directory)
            #expect(shown.status == 0, "\(shown.log)")
            let limits = try #require(
                (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["limits"] as? [[String: Any]],
                "\(shown.stdout)")
            let channelRow = try #require(limits.first { $0["channel"] as? String == "cap-amount" })
            #expect((channelRow["used_amount"] as? NSNumber)?.int64Value == amountTotal)
            #expect((channelRow["daily_amount"] as? NSNumber)?.int64Value == Self.amountCap)
            #expect(channelRow["time_zone"] as? String == "Asia/Shanghai")
            let merchantRow = try #require(limits.first { $0["channel"] as? String == "cap-count" && $0["merchant"] as? String == "m1" })
            #expect((merchantRow["used_count"] as? NSNumber)?.intValue == Self.countCap)
            #expect(merchantRow["scope"] as? String == "merchant_channel")
            let table = try await GatewayCtlRunner.run(
                ["limits", "--channel", "cap-count", "--admin-url", gateway.adminURL.absoluteString, "--admin-token-file",
                 gateway.adminTokenFile.path], in: directory)
            #expect(table.status == 0)
            #expect(table.stdout.contains("\(Self.countCap) / \(Self.countCap) (100 %)"), "\(table.stdout)")
            #expect(!table.stdout.contains("cap-amount"), "\(table.stdout)")
        }
    }
}
