import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import GatewayHost

/// Idempotency under concurrency across processes: two real gateway processes share one real PostgreSQL
/// ledger; 200 copies of one request, each signed separately (own nonce), are sent to both at once while
/// the bank is slow, so that most copies arrive while the first one's bank call is in flight.
@Suite("Idempotency: 200 concurrent copies across two gateways on one PostgreSQL", .serialized)
struct ConcurrentIdempotencyTests {
    static let copies = 200

    @Test("200 copies of one payment, then of one refund → one bank request each, 200 identical answers")
    func concurrentCopies() async throws {
        let database = try await PostgresTestServer.createDatabase()
        let url = "postgres://\(database.username)@\(database.host):\(database.port)/\(database.database)"
        let directory = try TestDirectory("two-gateways")
        let simulator = try await SimulatorProcess.start(in: directory, extraArguments: ["--slow-response-ms", "400"])
        let configs = try directory.subdirectory("channel-configs")
        let plugins = try directory.subdirectory("plugins")
        try plugins.appendingPathComponent("libJiangnan.so").copy(from: try BuildProducts.product("libJiangnan.so"))
        try configs.appendingPathComponent("jiangnan.yaml").write(
            text: JiangnanStack.jiangnanConfig(id: "jiangnan", endpoint: simulator.baseURL, requestTimeoutMs: 3000))
        var gateways: [GatewayProcess] = []
        let client = Self.client()
        do {
            for name in ["a", "b"] {
                gateways.append(
                    try await GatewayProcess.start(
                        in: directory, configDirectory: configs, pluginsDirectory: plugins,
                        environment: [JiangnanStack.secretVariable: SimulatorProcess.secret], publicURL: nil,
                        extraArguments: ["--database-url", url], dataDirectory: try directory.subdirectory("data-\(name)")))
            }
            try await check(gateways, simulator, client)
        } catch {
            for gateway in gateways { await gateway.terminate() }
            await simulator.terminate()
            try? await client.shutdown()
            try? await PostgresTestServer.dropDatabase(database.database)
            throw error
        }
        for gateway in gateways { await gateway.terminate() }
        await simulator.terminate()
        try await client.shutdown()
        try await PostgresTestServer.dropDatabase(database.database)
    }

    private func check(_ gateways: [GatewayProcess], _ simulator: SimulatorProcess, _ client: HTTPClient) async throws {
        // A slow bank ([sim:slow]): the first copy's pay call takes 400 ms, the others arrive meanwhile.
        let order = "dup-\(UUID().uuidString.prefix(8))"
        let payBody = Data(
            #"{"merchant_order_id":"\#(order)","amount":4321,"currency":"CNY","subject":"tea [sim:slow]","channel":"jiangnan"}"#.utf8)
        let payments = try await Self.sendCopies(client, gateways, path: "/v1/payments", body: payBody)
        #expect(payments.count == Self.copies)
        #expect(Set(payments.map(\.status)) == [201], "statuses: \(Set(payments.map(\.status)))")
        #expect(Set(payments.map(\.body)).count == 1, "the copies got different answers")
        let first = try #require(payments.first)
        let paymentId = try #require(first.string("id"))
        #expect(first.string("status") == "succeeded", "\(first.text)")
        #expect(payments.filter { $0.header("Idempotent-Replayed") == nil }.count == 1, "exactly one copy did the work")

        var record = try await Self.bankRecord(simulator)
        #expect(record.requests.filter { $0.target == "/api/v1/pay" && $0.out_trade_no == paymentId }.count == 1)
        #expect(record.requests.filter { $0.target == "/api/v1/pay" }.count == 1)

        // The same for a refund of that payment, by merchant refund id.
        let refundBody = Data(#"{"merchant_refund_id":"r-\#(order)","amount":1000,"reason":"dup"}"#.utf8)
        let refunds = try await Self.sendCopies(client, gateways, path: "/v1/payments/\(paymentId)/refunds", body: refundBody)
        #expect(refunds.count == Self.copies)
        #expect(Set(refunds.map(\.status)) == [201], "statuses: \(Set(refunds.map(\.status))) \(refunds.first { $0.status != 201 }?.text ?? "")")
        #expect(Set(refunds.map(\.body)).count == 1, "the refund copies got different answers")
        let refundId = try #require(refunds.first?.string("id"))
        record = try await Self.bankRecord(simulator)
        #expect(record.requests.filter { $0.target == "/api/v1/refund" && $0.out_refund_no == refundId }.count == 1)
        #expect(record.requests.filter { $0.target == "/api/v1/refund" }.count == 1)
        #expect(record.refunds.count == 1)
    }

    /// Sends `copies` signed copies of one POST, alternating between the gateways, all at once.
    static func sendCopies(_ client: HTTPClient, _ gateways: [GatewayProcess], path: String, body: Data) async throws
        -> [HTTPResult]
    {
        try await withThrowingTaskGroup(of: HTTPResult.self) { group in
            for index in 0..<copies {
                let url = gateways[index % gateways.count].merchant(path)
                group.addTask { try await TestHTTP.signedPost(client, url, body: body) }
            }
            var results: [HTTPResult] = []
            for try await result in group { results.append(result) }
            return results
        }
    }

    /// A client that really opens 100 connections per gateway, so the copies are concurrent on the wire.
    static func client() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = copies
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static func bankRecord(_ simulator: SimulatorProcess) async throws -> BankRecord {
        try await TestHTTP.get(URL(string: simulator.baseURL.absoluteString + "/_sim/record")!).decode(BankRecord.self)
    }
}
