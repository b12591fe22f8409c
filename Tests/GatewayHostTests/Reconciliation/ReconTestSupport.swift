import Foundation
import GatewayAPI
import Testing

/// Running the generator and the gateway's reconciliation from tests.
enum ReconTestSupport {
    struct AnswerKey: Decodable {
        struct Total: Decodable, Equatable {
            var count: Int
            var amounts: [String: Int64]
        }
        var ledger_rows: Int
        var statement_lines: Int
        var classes: [String: Total]
    }

    /// `gateway recon-generate …` into a SQLite data directory or a PostgreSQL database.
    static func generate(
        in directory: TestDirectory, dataDirectory: URL? = nil, databaseURL: String? = nil, statementOut: URL? = nil,
        date: String, rows: Int, each: Int, seed: Int = 7, channel: String = "jiangnan", format: String = "jiangnan"
    ) async throws -> AnswerKey {
        let key = directory.url.appendingPathComponent("answer-key-\(UUID().uuidString.prefix(8)).json")
        var arguments = [
            "recon-generate", "--date", date, "--rows", "\(rows)", "--each", "\(each)", "--seed", "\(seed)",
            "--answer-key", key.path, "--channel", channel, "--format", format,
        ]
        if let dataDirectory { arguments += ["--data-dir", dataDirectory.path] }
        if let databaseURL { arguments += ["--database-url", databaseURL] }
        if let statementOut { arguments += ["--statement-out", statementOut.path] }
        let process = try ManagedProcess(
            name: "recon-generate", executable: try BuildProducts.product("gateway"), arguments: arguments,
            environment: [:], directory: directory)
        // Generous: a debug build writing 100,000 rows while the rest of the suite runs.
        let status = await process.waitForExit(timeout: .seconds(600))
        guard status == 0 else { throw HarnessError("recon-generate exited \(status): \(process.readLog())") }
        return try JSONDecoder().decode(AnswerKey.self, from: Data(contentsOf: key))
    }

    /// `POST /admin/recon/runs` → the stored run.
    static func run(_ gateway: GatewayProcess, channel: String = "jiangnan", date: String, refetch: Bool = false)
        async throws -> AdminReconRun
    {
        // A run of 100,000 rows in a debug build on a loaded machine takes a while; a hang still ends.
        let answer = try await TestHTTP.send(
            "POST", gateway.admin("/admin/recon/runs"),
            body: try JSONEncoder().encode(AdminReconRunRequest(channel: channel, date: date, refetch: refetch)),
            headers: gateway.adminHeaders, signed: false, timeout: .seconds(600))
        guard answer.status == 200 else {
            throw HarnessError("recon run answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
        }
        return try JSONDecoder().decode(AdminReconRun.self, from: answer.body)
    }

    static func breaks(_ gateway: GatewayProcess, query: String = "") async throws -> [AdminBreak] {
        let answer = try await TestHTTP.get(
            gateway.admin("/admin/recon/breaks\(query)"), headers: gateway.adminHeaders, signed: false)
        guard answer.status == 200 else { throw HarnessError("breaks answered \(answer.status)") }
        return try JSONDecoder().decode(AdminBreaks.self, from: answer.body).breaks
    }

    /// The run's totals as the answer key writes them.
    static func totals(_ run: AdminReconRun) -> [String: AnswerKey.Total] {
        run.totals.mapValues { AnswerKey.Total(count: $0.count, amounts: $0.amounts) }
    }
}

extension GatewayProcess {
    /// gatewayctl's options for this gateway's admin API and token.
    var ctlArguments: [String] { ["--admin-url", adminURL.absoluteString, "--admin-token-file", adminTokenFile.path] }
}

extension ReconTestSupport {
    /// `GET /admin/recon/runs/{channel}/{date}`.
    static func runOfDay(_ gateway: GatewayProcess, channel: String = "jiangnan", date: String) async throws -> AdminReconRun {
        let answer = try await TestHTTP.get(
            gateway.admin("/admin/recon/runs/\(channel)/\(date)"), headers: gateway.adminHeaders, signed: false)
        guard answer.status == 200 else { throw HarnessError("run of \(date): \(answer.status) \(answer.text)") }
        return try JSONDecoder().decode(AdminReconRun.self, from: answer.body)
    }
}
