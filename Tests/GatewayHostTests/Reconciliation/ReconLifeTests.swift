import Foundation
import GRDB
import GatewayAPI
import Testing

/// Breaks across days, written by hand (no generator): a row finished a minute before midnight that the bank
/// booked the next day is carried, not reported, and settled by the next day's run; a row the bank lacks on both
/// days persists; ops resolve it by hand (recorded with who and why); malformed statement lines are reported
/// with their line numbers, never dropped.
@Suite("Reconciliation: breaks across days, by hand", .serialized)
struct ReconLifeTests {
    // 2026-11-20 00:00 in UTC+8.
    static let dayStart: Int64 = 1_795_104_000_000
    static let hour: Int64 = 3_600_000

    @Test("timing carried and settled next day; a missing row persists; manual resolve; unparseable lines by number")
    func breaksAcrossDays() async throws {
        try await JiangnanStack.with("recon-life", gatewayArguments: ["--no-recovery", "--recon-poll-ms", "0"]) { stack in
            let ledger = try DatabaseQueue(path: stack.dataDirectory.appendingPathComponent("ledger.sqlite").path)
            try await ledger.write { db in
                for (id, amount, at) in [
                    ("pay_timing_X", 1100, Self.dayStart + 24 * Self.hour - 60_000),  // 23:59:00, booked by the bank tomorrow
                    ("pay_missing_Y", 2200, Self.dayStart + 10 * Self.hour),  // the bank never has it
                    ("pay_match_Z", 3300, Self.dayStart + 11 * Self.hour),
                    ("pay_next_W", 4400, Self.dayStart + 33 * Self.hour),  // the next day, 09:00
                ] {
                    try db.execute(
                        sql: """
                            INSERT INTO payments (id, merchant_id, merchant_order_id, channel_id, amount, currency, subject,
                                status, bank_transaction_id, not_processed, created_at, updated_at, finished_at)
                            VALUES (?, 'm1', ?, 'jiangnan', ?, 'CNY', 'by hand', 'succeeded', ?, 0, ?, ?, ?)
                            """, arguments: [id, "order-" + id, amount, "JN" + id.suffix(1), at - 500, at, at])
                }
            }
            let header = "trade_date,finished_at,out_trade_no,trade_no,type,amount,fee,currency,status,orig_out_trade_no"
            try Self.statement(stack, "2026-11-20", [
                header,
                "20261120,2026-11-20T11:00:00+08:00,pay_match_Z,JNZ,PAY,3300,3,CNY,SUCCESS,",
                "this is not a statement line",
                "20261120,2026-11-20T12:00:00+08:00,pay_bad_amount,JNB,PAY,12x,0,CNY,SUCCESS,",
                "#TOTAL,3,3300,3",
            ])
            try Self.statement(stack, "2026-11-21", [
                header,
                "20261121,2026-11-21T00:00:02+08:00,pay_timing_X,JNX,PAY,1100,1,CNY,SUCCESS,",
                "20261121,2026-11-21T09:00:00+08:00,pay_next_W,JNW,PAY,4400,4,CNY,SUCCESS,",
                "#TOTAL,2,5500,5",
            ])

            // Day 1: X is a timing difference (carried, not a break), Y is missing at the bank, two bad lines.
            let first = try await ReconTestSupport.run(stack.gateway, date: "2026-11-20")
            #expect(ReconTestSupport.totals(first) == [
                "matched": .init(count: 1, amounts: ["CNY": 3300]),
                "missing_at_bank": .init(count: 1, amounts: ["CNY": 2200]),
                "timing": .init(count: 1, amounts: ["CNY": 1100]),
                "unparseable_line": .init(count: 2, amounts: [:]),
            ])
            #expect(first.statementLines == 3)
            #expect(first.findings.isEmpty, "the trailer counts every row, the bad ones too: \(first.findings)")
            var breaks = try await ReconTestSupport.breaks(stack.gateway, query: "?channel=jiangnan")
            #expect(Set(breaks.map { "\($0.breakClass):\($0.state)" }) == [
                "missing_at_bank:open", "timing:carried", "unparseable_line:open",
            ])
            #expect(breaks.filter { $0.breakClass == "unparseable_line" }.compactMap(\.lineNumber).sorted() == [3, 4])
            #expect(breaks.first { $0.lineNumber == 4 }?.issue?.contains("pay_bad_amount") == true)
            let csv = try String(contentsOf: stack.dataDirectory.appendingPathComponent(first.csvFile), encoding: .utf8)
            #expect(csv.contains("unparseable_line,false,line:20261120:3,3,"), "\(csv)")
            #expect(csv.contains("unparseable_line,false,line:20261120:4,4,"), "\(csv)")
            let missing = try #require(breaks.first { $0.breakClass == "missing_at_bank" })
            let timing = try #require(breaks.first { $0.breakClass == "timing" })
            #expect(missing.transactionId == "pay_missing_Y" && timing.transactionId == "pay_timing_X")

            // Day 2: the bank booked X today — settled, counted as today's match; Y is still missing: persisting.
            let second = try await ReconTestSupport.run(stack.gateway, date: "2026-11-21")
            #expect(ReconTestSupport.totals(second) == ["matched": .init(count: 2, amounts: ["CNY": 1100 + 4400])])
            #expect(second.carriedIn == 2)
            #expect(second.resolvedBreaks == 1)
            breaks = try await ReconTestSupport.breaks(stack.gateway, query: "?channel=jiangnan")
            let settled = try #require(breaks.first { $0.id == timing.id })
            #expect(settled.state == "resolved" && settled.resolvedBy == "reconciliation", "\(settled)")
            let persisting = try #require(breaks.first { $0.id == missing.id })
            #expect(persisting.state == "persisting")
            #expect(persisting.firstSeen == "2026-11-20" && persisting.lastSeen == "2026-11-21")

            // Ops resolve Y by hand: who, when and why are recorded; a re-run does not reopen it.
            let resolve = try await GatewayCtlRunner.run(
                ["recon", "resolve", missing.id, "--note", "the bank credited it on 11-22, ticket 4711", "--json"]
                    + stack.gateway.ctlArguments, in: stack.directory)
            #expect(resolve.status == 0, "\(resolve.log)")
            let resolved = try JSONDecoder().decode(AdminBreak.self, from: Data(resolve.stdout.utf8))
            #expect(resolved.state == "resolved" && resolved.resolvedBy == "tests")
            #expect(resolved.resolution == "the bank credited it on 11-22, ticket 4711" && resolved.resolvedAt != nil)
            _ = try await ReconTestSupport.run(stack.gateway, date: "2026-11-21")
            _ = try await ReconTestSupport.run(stack.gateway, date: "2026-11-20")
            let after = try await ReconTestSupport.breaks(stack.gateway, query: "?channel=jiangnan")
            let kept = try #require(after.first { $0.id == missing.id })
            #expect(kept.state == "resolved" && kept.resolvedBy == "tests", "\(kept)")
            // The list of open breaks, as gatewayctl gives it: only the two bad lines are left.
            let open = try await GatewayCtlRunner.run(
                ["recon", "breaks", "--open", "--json"] + stack.gateway.ctlArguments, in: stack.directory)
            #expect(open.status == 0, "\(open.log)")
            let listed = try JSONDecoder().decode(AdminBreaks.self, from: Data(open.stdout.utf8)).breaks
            #expect(listed.map(\.breakClass) == ["unparseable_line", "unparseable_line"])
            // A page at a time: one per page, and `--all` follows the pages to the same list.
            let onePage = try await GatewayCtlRunner.run(
                ["recon", "breaks", "--open", "--limit", "1"] + stack.gateway.ctlArguments, in: stack.directory)
            #expect(onePage.status == 0 && onePage.stdout.contains("more: gatewayctl recon breaks --after "), "\(onePage.log)")
            let all = try await GatewayCtlRunner.run(
                ["recon", "breaks", "--open", "--limit", "1", "--all", "--json"] + stack.gateway.ctlArguments, in: stack.directory)
            #expect(all.status == 0, "\(all.log)")
            let everyPage = try JSONDecoder().decode(AdminBreaks.self, from: Data(all.stdout.utf8))
            #expect(everyPage.breaks == listed && everyPage.next == nil)
            // Bad input changes nothing: an empty note, an unknown break.
            let empty = try await TestHTTP.post(
                stack.gateway.admin("/admin/recon/breaks/\(listed[0].id)/resolve"), body: Data(#"{"note":"  "}"#.utf8),
                headers: stack.gateway.adminHeaders, signed: false)
            #expect(empty.status == 400 && empty.errorCode == "invalid_request")
            let unknown = try await TestHTTP.post(
                stack.gateway.admin("/admin/recon/breaks/brk_nope/resolve"), body: Data(#"{"note":"x"}"#.utf8),
                headers: stack.gateway.adminHeaders, signed: false)
            #expect(unknown.status == 404 && unknown.errorCode == "unknown_break")
            let badDate = try await TestHTTP.post(
                stack.gateway.admin("/admin/recon/runs"), body: Data(#"{"channel":"jiangnan","date":"2026-13-01"}"#.utf8),
                headers: stack.gateway.adminHeaders, signed: false)
            #expect(badDate.status == 400 && badDate.errorCode == "invalid_request")
            let still = try await ReconTestSupport.breaks(stack.gateway, query: "?channel=jiangnan&open=true")
            #expect(still.map(\.id) == listed.map(\.id))
        }
    }

    static func statement(_ stack: JiangnanStack, _ date: String, _ lines: [String]) throws {
        let file = stack.dataDirectory.appendingPathComponent("statements/jiangnan/\(date).statement")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
    }
}
