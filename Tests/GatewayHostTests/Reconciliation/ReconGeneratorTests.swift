import Crypto
import Foundation
import GatewayAPI
import Testing

@testable import GatewayHost

extension EndToEndLoadTests {
    /// The generator's day of 100,000 settled rows with 10 of each discrepancy case injected, reconciled by the
    /// real gateway through the real Jiangnan plugin's parser: every class's count and amount total equals the
    /// answer key, on SQLite and on PostgreSQL.
    @Suite("Reconciliation: 100k generated rows against the answer key", .serialized)
    struct ReconGeneratorTests {
        static let date = "2026-11-24"

        @Test("SQLite: every class's count and amount equal the answer key")
        func sqlite() async throws {
            try await JiangnanStack.with("recon-gen-sqlite", gatewayArguments: ["--no-recovery"]) { stack in
                let key = try await ReconTestSupport.generate(
                    in: stack.directory, dataDirectory: stack.dataDirectory, date: Self.date, rows: 100_000, each: 10)
                try await Self.check(stack, key: key, statement: stack.dataDirectory.appendingPathComponent("statements/jiangnan/\(Self.date).statement"))
            }
        }

        @Test("PostgreSQL: every class's count and amount equal the answer key")
        func postgres() async throws {
            let database = try await PostgresTestServer.createDatabase()
            let url = "postgres://\(database.username)@\(database.host):\(database.port)/\(database.database)"
            do {
                try await JiangnanStack.with("recon-gen-pg", gatewayArguments: ["--no-recovery", "--database-url", url]) { stack in
                    let statement = stack.dataDirectory.appendingPathComponent("statements/jiangnan/\(Self.date).statement")
                    let key = try await ReconTestSupport.generate(
                        in: stack.directory, databaseURL: url, statementOut: statement, date: Self.date, rows: 100_000, each: 10)
                    try await Self.check(stack, key: key, statement: statement)
                }
            } catch {
                try? await PostgresTestServer.dropDatabase(database.database)
                throw error
            }
            try await PostgresTestServer.dropDatabase(database.database)
        }

        static func check(_ stack: JiangnanStack, key: ReconTestSupport.AnswerKey, statement: URL) async throws {
            let run = try await ReconTestSupport.run(stack.gateway, date: date)
            #expect(ReconTestSupport.totals(run) == key.classes)
            #expect(run.ledgerRows == key.ledger_rows)
            #expect(run.statementLines == key.statement_lines)
            #expect(run.findings.isEmpty, "the generator writes a correct trailer: \(run.findings)")
            // The statement was on disk already: reused, not downloaded; its digest is the file's.
            let bytes = try Data(contentsOf: statement)
            #expect(run.statement.downloaded == false)
            #expect(run.statement.bytes == Int64(bytes.count))
            #expect(run.statement.sha256 == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
            // One line per reported item in each discrepancy file (every class but matched and matched_no_charge).
            let reported = key.classes.filter { $0.key != "matched" && $0.key != "matched_no_charge" }.values.reduce(0) { $0 + $1.count }
            let csv = try String(contentsOf: stack.dataDirectory.appendingPathComponent(run.csvFile), encoding: .utf8)
            let jsonl = try String(contentsOf: stack.dataDirectory.appendingPathComponent(run.jsonlFile), encoding: .utf8)
            #expect(csv.split(separator: "\n").count == reported + 1)
            #expect(jsonl.split(separator: "\n").count == reported)
            for line in jsonl.split(separator: "\n") {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any])
            }
            // The breaks are stored: open ones for every break class; timing ones carried to the next day.
            let breaks = try await ReconTestSupport.breaks(stack.gateway, query: "?channel=jiangnan&limit=10000")
            let breakClasses = ["missing_in_ledger", "missing_at_bank", "amount_mismatch", "currency_mismatch", "status_mismatch",
                                "duplicate_in_statement", "refund_of_unknown_payment", "unparseable_line", "timing"]
            for name in breakClasses {
                #expect(breaks.filter { $0.breakClass == name }.count == key.classes[name]?.count ?? 0, "\(name)")
            }
            #expect(breaks.filter { $0.breakClass == "timing" }.allSatisfy { $0.state == "carried" })
            #expect(breaks.filter { $0.breakClass != "timing" }.allSatisfy { $0.state == "open" && $0.firstSeen == date })

            // The same list a page at a time: every break once, in the same order, `next` until the last page.
            var paged: [AdminBreak] = []
            var after: String?
            var pages = 0
            repeat {
                let query = "?channel=jiangnan&limit=30" + (after.map { "&after=\($0)" } ?? "")
                let answer = try await TestHTTP.get(stack.gateway.admin("/admin/recon/breaks\(query)"), headers: stack.gateway.adminHeaders, signed: false)
                let page = try JSONDecoder().decode(AdminBreaks.self, from: answer.body)
                #expect(page.breaks.count == 30 || page.next == nil)
                paged += page.breaks
                after = page.next
                pages += 1
            } while after != nil && pages < 100
            #expect(breaks.count > 60)
            #expect(pages == (breaks.count + 29) / 30)
            #expect(paged.map(\.id) == breaks.map(\.id))
            // A token that is not one is refused.
            let bad = try await TestHTTP.get(stack.gateway.admin("/admin/recon/breaks?after=nonsense"), headers: stack.gateway.adminHeaders, signed: false)
            #expect(bad.status == 400)
        }
    }
}
