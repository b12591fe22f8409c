import Foundation
import GatewayAPI
import PostgresNIO
import Testing

@testable import GatewayHost

extension EndToEndLoadTests {
    /// Two gateways on one PostgreSQL share ten due reconciliation jobs: each job ends with exactly one completed run;
    /// the gateway killed with SIGKILL in the middle of a job loses its lease when it expires, and the other finishes
    /// that job (downloading the statement itself: it is not on its disk).
    @Suite("Reconciliation jobs: two nodes, leases, a node killed mid-job", .serialized)
    struct ReconJobsTests {
        static let dates = (1...10).map { String(format: "2026-11-%02d", $0) }

        @Test("10 due jobs, two gateways, one SIGKILLed mid-job → 10 completed runs, the killed job finished by the other")
        func twoNodes() async throws {
            let database = try await PostgresTestServer.createDatabase()
            let url = "postgres://\(database.username)@\(database.host):\(database.port)/\(database.database)"
            let directory = try TestDirectory("recon-jobs")
            // Each statement download takes 1.5 s, so a node is caught in the middle of a job.
            let simulator = try await SimulatorProcess.start(in: directory, extraArguments: ["--statement-delay-ms", "1500"])
            let configs = try directory.subdirectory("channel-configs")
            let plugins = try directory.subdirectory("plugins")
            try plugins.appendingPathComponent("libJiangnan.so").copy(from: try BuildProducts.product("libJiangnan.so"))
            try configs.appendingPathComponent("jiangnan.yaml").write(
                text: JiangnanStack.jiangnanConfig(id: "jiangnan", endpoint: simulator.baseURL))
            var gateways: [String: GatewayProcess] = [:]
            func stopAll() async {
                for gateway in gateways.values { await gateway.terminate() }
                await simulator.terminate()
            }
            do {
                for name in ["a", "b"] {
                    gateways[name] = try await GatewayProcess.start(
                        in: directory, configDirectory: configs, pluginsDirectory: plugins,
                        environment: [JiangnanStack.secretVariable: SimulatorProcess.secret], publicURL: nil,
                        extraArguments: [
                            "--database-url", url, "--node-name", name, "--recon-poll-ms", "200", "--recon-lease-ms", "2000",
                            "--no-recovery",
                        ],
                        dataDirectory: try directory.subdirectory("data-\(name)"))
                }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                try await PostgresTestServer.withConnection(database) { connection in
                    for date in Self.dates {
                        try await connection.query(
                            """
                            INSERT INTO recon_jobs (channel_id, business_date, state, next_attempt_at, updated_at)
                            VALUES ('jiangnan', \(date), 'due', \(now), \(now))
                            """, logger: PostgresTestServer.logger)
                    }
                }
                // Kill node a the moment it holds a job.
                var killed: String?
                let deadline = ContinuousClock.now + .seconds(60)
                while killed == nil, ContinuousClock.now < deadline {
                    killed = try await Self.jobs(database).first { $0.state == "running" && $0.owner == "a" }?.date
                    if killed == nil { try await Task.sleep(for: .milliseconds(20)) }
                }
                let victim = try #require(killed, "node a never claimed a job")
                _ = await gateways["a"]!.process.killHard()
                gateways["a"] = nil
                // Node b finishes everything, the dead node's job once its lease has expired.
                var jobs: [Job] = []
                while ContinuousClock.now < deadline {
                    jobs = try await Self.jobs(database)
                    if jobs.count == 10, jobs.allSatisfy({ $0.state == "completed" }) { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(jobs.map(\.state) == Array(repeating: "completed", count: 10), "\(jobs)")
                let runs = try await PostgresTestServer.withConnection(database) { connection in
                    var found: [(String, String, String)] = []
                    for try await row in try await connection.query(
                        "SELECT channel_id, business_date, node FROM recon_runs ORDER BY business_date", logger: PostgresTestServer.logger)
                    {
                        found.append(try row.decode((String, String, String).self))
                    }
                    return found
                }
                #expect(runs.map(\.1) == Self.dates, "exactly one stored run per job")
                #expect(runs.first { $0.1 == victim }?.2 == "b", "the killed node's job was finished by the other")
                #expect(jobs.first { $0.date == victim }?.attempts == 2)
                let b = gateways["b"]!
                let stored = try await ReconTestSupport.runOfDay(b, date: victim)
                #expect(stored.node == "b" && stored.statement.downloaded)
                #expect(stored.findings.isEmpty, "the re-downloaded statement has the recorded digest: \(stored.findings)")
                #expect(b.readLog().contains("reconciliation job claimed"))
            } catch {
                await stopAll()
                try? await PostgresTestServer.dropDatabase(database.database)
                throw error
            }
            await stopAll()
            try await PostgresTestServer.dropDatabase(database.database)
        }

        struct Job: Sendable, CustomStringConvertible {
            var date: String
            var state: String
            var owner: String?
            var attempts: Int
            var description: String { "\(date):\(state):\(owner ?? "-"):\(attempts)" }
        }

        static func jobs(_ database: PostgresPaymentStore.Configuration) async throws -> [Job] {
            try await PostgresTestServer.withConnection(database) { connection in
                var jobs: [Job] = []
                for try await row in try await connection.query(
                    "SELECT business_date, state, lease_owner, attempts FROM recon_jobs ORDER BY business_date",
                    logger: PostgresTestServer.logger)
                {
                    let (date, state, owner, attempts) = try row.decode((String, String, String?, Int).self)
                    jobs.append(Job(date: date, state: state, owner: owner, attempts: attempts))
                }
                return jobs
            }
        }
    }
}
