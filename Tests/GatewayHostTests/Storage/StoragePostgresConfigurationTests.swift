import Foundation
import Testing

@testable import GatewayHost

/// The PostgreSQL store's URL and its behaviour without a database; no server needed.
@Suite("Storage: PostgreSQL store configuration and an unreachable database")
struct StoragePostgresConfigurationTests {
    typealias Configuration = PostgresPaymentStore.Configuration

    @Test("parses postgres:// and postgresql:// URLs; the description never shows the password")
    func parsesURLs() throws {
        let full = try Configuration(
            url: "postgres://gw:s3cr%40t@127.0.0.1:55432/ledger?max_connections=5&connect_timeout=2.5&sslmode=disable")
        #expect(full.host == "127.0.0.1")
        #expect(full.port == 55432)
        #expect(full.username == "gw")
        #expect(full.password == "s3cr@t")
        #expect(full.database == "ledger")
        #expect(full.maxConnections == 5)
        #expect(full.connectTimeout == .milliseconds(2500))
        #expect(full.description == "postgres://gw:***@127.0.0.1:55432/ledger")
        #expect(!String(reflecting: full.client).isEmpty)

        let short = try Configuration(url: "postgresql://gatewaytest@localhost/gateway_test")
        #expect(short.port == 5432)
        #expect(short.password == nil)
        #expect(short.maxConnections == 20)
        #expect(short.connectTimeout == .seconds(10))
        #expect(short.description == "postgres://gatewaytest@localhost:5432/gateway_test")
    }

    @Test(
        "refuses malformed URLs without echoing the password",
        arguments: [
            "mysql://gw:sekret@127.0.0.1:5432/ledger",
            "postgres://127.0.0.1:5432/ledger",
            "postgres://gw:sekret@127.0.0.1:5432/",
            "postgres://gw:sekret@127.0.0.1:5432/a/b",
            "postgres://gw:sekret@127.0.0.1:5432/ledger?max_connections=0",
            "postgres://gw:sekret@127.0.0.1:5432/ledger?connect_timeout=never",
            "postgres://gw:sekret@127.0.0.1:5432/ledger?sslmode=require",
            "postgres://gw:sekret@127.0.0.1:5432/ledger?pool=3",
            "not a url",
        ])
    func refusesBadURLs(url: String) {
        #expect {
            try Configuration(url: url)
        } throws: { error in
            !"\(error)".contains("sekret")
        }
    }

    @Test("an unreachable database makes calls throw within the connect timeout, not crash or hang")
    func unreachableDatabase() async throws {
        let port = try FreePort.find(host: "127.0.0.1")
        let store = try PostgresPaymentStore(
            url: "postgres://gw:sekret@127.0.0.1:\(port)/ledger?connect_timeout=1", logger: PostgresTestServer.logger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await store.run() }
            let started = ContinuousClock.now
            await #expect(throws: (any Error).self) { try await store.migrate() }
            await #expect(throws: (any Error).self) { try await store.payment(id: "pay_1") }
            await #expect(throws: (any Error).self) {
                try await store.insertPayment(LedgerFixtures.payment(), checkAt: LedgerFixtures.t0)
            }
            do {
                _ = try await store.registerNonce(merchantId: "m1", nonce: "n", at: LedgerFixtures.t0)
                Issue.record("registerNonce succeeded without a database")
            } catch {
                #expect(!"\(error)".contains("sekret"))
                #expect(!String(reflecting: error).contains("sekret"))
            }
            // Four calls bounded by a 1 s connect timeout each; the margin is for a test process whose few
            // threads are busy with the other suites (a hang would never end).
            #expect(ContinuousClock.now - started < .seconds(60))
            group.cancelAll()
        }
    }
}
