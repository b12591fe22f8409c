import Foundation
import GatewayAPI
import GRDB
import JiangnanProtocol
import Testing

extension EndToEndLoadTests {
    /// Payments really made through the gateway, the Jiangnan simulator's own statement of them, and the gateway's
    /// reconciliation of the two: exactly the expected classes; a payment left pending is settled through the
    /// payments core with a reconciliation transition and its webhook; re-runs replace the run and write
    /// byte-identical files once nothing changes.
    @Suite("Reconciliation against the Jiangnan simulator's statement", .serialized)
    struct ReconSimulatorTests {
        static let day: Int64 = 86_400_000
        static let shift: Int64 = 26 * 3_600_000

        @Test("pay, refund, decline, a timeout left pending, a charge only the bank has → reconcile, settle, re-run")
        func simulatorStatement() async throws {
            try await Self.awayFromMidnightInShanghai()
            let receiver = try await WebhookReceiver.start()
            defer { Task { await receiver.stop() } }
            try await JiangnanStack.with(
                "recon-sim", simulatorArguments: ["--timeout-delay-ms", "3000"], gatewayArguments: ["--no-recovery"],
                requestTimeoutMs: 1000, publicURL: "http://127.0.0.1:9",
                merchantNotifyURLs: ["m1": "http://127.0.0.1:\(receiver.port)/hooks"]
            ) { stack in
                let date = Self.shanghaiDate(Date())
                var paid: [String: String] = [:]
                for (order, amount, subject) in [
                    ("ok-1", 1000, "Tea"), ("ok-2", 2000, "Rice"), ("ok-3", 3000, "Silk"),
                    ("no-1", 4000, "Jade [sim:insufficient-funds]"), ("late-1", 5000, "Ink [sim:timeout]"),
                ] {
                    let answer = try await stack.pay([
                        "merchant_order_id": order, "amount": amount, "currency": "CNY", "subject": subject, "channel": "jiangnan",
                    ])
                    #expect(answer.status == 201, "\(answer.text)")
                    let id = try #require(answer.string("id") as String?)
                    paid[order] = id
                    if order == "no-1" { #expect(answer.string("status") == "declined") }
                    if order == "late-1" { #expect(answer.string("status") == "pending") }
                }
                let refund = try await TestHTTP.post(
                    stack.gateway.merchant("/v1/payments/\(paid["ok-1"]!)/refunds"),
                    body: Data(#"{"merchant_refund_id":"r-1","amount":300,"reason":"one cup returned"}"#.utf8),
                    headers: ["X-Merchant-Id": "m1"])
                #expect(refund.status == 201, "\(refund.text)")
                #expect(refund.string("status") == "succeeded", "\(refund.text)")
                // A charge the gateway never recorded: paid at the bank directly.
                try await Self.payDirectly(stack.simulator.baseURL, orderId: "bank-only-1", amount: 777)
                // The bank's day ends; its statement is ready from 01:00 the next day (bank clock).
                try await Self.moveSimulatorClock(stack.simulator.baseURL, by: Self.shift)
                try await stack.restartGateway(extraArguments: ["--no-recovery", "--channel-clock-offset-ms", "\(Self.shift)"])
                let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
                #expect(try await ledger.paymentStatus(paid["late-1"]!) == "pending")

                // Run 1, through gatewayctl: JSON on stdout, exit 2 (a break: the bank-only charge).
                let ctl = try await GatewayCtlRunner.run(
                    ["recon", "run", "--channel", "jiangnan", "--date", date, "--json"] + stack.gateway.ctlArguments,
                    in: stack.directory)
                #expect(ctl.status == 2, "\(ctl.stdout) \(ctl.log)")
                #expect(!ctl.log.contains("\r") && !ctl.log.contains("[#"), "no progress bars when stderr is not a terminal: \(ctl.log)")
                let first = try JSONDecoder().decode(AdminReconRun.self, from: Data(ctl.stdout.utf8))
                #expect(first.statement.downloaded)
                #expect(ReconTestSupport.totals(first) == [
                    "matched": .init(count: 4, amounts: ["CNY": 1000 + 2000 + 3000 + 300]),
                    "matched_no_charge": .init(count: 1, amounts: ["CNY": 4000]),
                    "compensated": .init(count: 1, amounts: ["CNY": 5000]),
                    "missing_in_ledger": .init(count: 1, amounts: ["CNY": 777]),
                ])
                #expect(first.findings.isEmpty, "\(first.findings)")
                // The pending payment was settled through the payments core, and its merchant was told.
                #expect(try await ledger.paymentStatus(paid["late-1"]!) == "succeeded")
                let transitions = try await ledger.transitions(of: paid["late-1"]!)
                #expect(transitions.last?.to == "succeeded")
                #expect(transitions.last?.cause.hasPrefix("reconciliation: statement \(date) line") == true, "\(transitions)")
                let late = paid["late-1"]!
                let deadline = ContinuousClock.now + .seconds(30)
                while !receiver.received.contains(where: { String(decoding: $0.body, as: UTF8.self).contains(late) }),
                    ContinuousClock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(100))
                }
                let hook = receiver.received.first { String(decoding: $0.body, as: UTF8.self).contains(late) }
                #expect(hook != nil, "no webhook for the settled payment: \(receiver.received.map { String(decoding: $0.body, as: UTF8.self) })")
                #expect(hook.map { String(decoding: $0.body, as: UTF8.self).contains("succeeded") } == true)
                let breaks = try await ReconTestSupport.breaks(stack.gateway, query: "?channel=jiangnan&open=true")
                #expect(breaks.map(\.breakClass) == ["missing_in_ledger"])
                #expect(breaks.first?.statement?.amount == 777)
                let firstCSV = try Data(contentsOf: stack.dataDirectory.appendingPathComponent(first.csvFile))

                // Run 2 sees the payment settled; run 3 changes nothing: identical files, each run replaces the last.
                let second = try await ReconTestSupport.run(stack.gateway, date: date)
                #expect(second.totals["compensated"] == nil)
                #expect(second.totals["matched"]?.count == 5)
                #expect(second.statement.downloaded == false)
                #expect(second.statement.sha256 == first.statement.sha256)
                let secondCSV = try Data(contentsOf: stack.dataDirectory.appendingPathComponent(second.csvFile))
                let secondJSONL = try Data(contentsOf: stack.dataDirectory.appendingPathComponent(second.jsonlFile))
                #expect(secondCSV != firstCSV, "the first file had the compensation in it")
                let third = try await ReconTestSupport.run(stack.gateway, date: date)
                #expect(ReconTestSupport.totals(third) == ReconTestSupport.totals(second))
                #expect(try Data(contentsOf: stack.dataDirectory.appendingPathComponent(third.csvFile)) == secondCSV)
                #expect(try Data(contentsOf: stack.dataDirectory.appendingPathComponent(third.jsonlFile)) == secondJSONL)
                let runs = try await TestHTTP.get(
                    stack.gateway.admin("/admin/recon/runs?channel=jiangnan"), headers: stack.gateway.adminHeaders, signed: false)
                let stored = try JSONDecoder().decode(AdminReconRuns.self, from: runs.body)
                #expect(stored.runs.count == 1)
                #expect(stored.runs.first?.startedAt == third.startedAt)
                // The bank-only charge is still missing: the same break, still open (a re-run of its own day).
                let still = try await ReconTestSupport.breaks(stack.gateway, query: "?channel=jiangnan&open=true")
                #expect(still.map(\.id) == breaks.map(\.id))
                #expect(still.first?.state == "open")

                // gatewayctl's other exit codes: an unknown channel is an HTTP error (4); a table without --json.
                let unknown = try await GatewayCtlRunner.run(
                    ["recon", "run", "--channel", "nowhere", "--date", date] + stack.gateway.ctlArguments, in: stack.directory)
                #expect(unknown.status == 4, "\(unknown.log)")
                #expect(unknown.log.contains("unknown_channel"), "\(unknown.log)")
                let table = try await GatewayCtlRunner.run(["recon", "runs"] + stack.gateway.ctlArguments, in: stack.directory)
                #expect(table.status == 0, "\(table.log)")
                #expect(table.stdout.contains("jiangnan") && table.stdout.contains(date), "\(table.stdout)")
                // On a terminal, the run draws its progress bars on stderr (script(1) gives gatewayctl a pty).
                let command = ([try BuildProducts.product("gatewayctl").path, "recon", "run", "--channel", "jiangnan", "--date", date]
                    + stack.gateway.ctlArguments).map { "'\($0)'" }.joined(separator: " ")
                let terminal = try ManagedProcess(
                    name: "script", executable: URL(fileURLWithPath: "/usr/bin/script"),
                    arguments: ["-q", "-e", "-c", command, "/dev/null"], environment: [:], directory: stack.directory)
                let terminalStatus = await terminal.waitForExit(timeout: .seconds(120))
                let drawn = terminal.readStdout()
                #expect(terminalStatus == 2, "\(drawn) \(terminal.readLog())")
                #expect(drawn.contains("\rledger") && drawn.contains("\rparse") && drawn.contains("] "), "\(drawn)")
            }
        }

        @Test("a pending payment that reconciliation settles keeps its limit reservation when the bank charged it and releases it when the bank failed it")
        func settledHolds() async throws {
            try await Self.awayFromMidnightInShanghai()
            try await JiangnanStack.with(
                "recon-limits", simulatorArguments: ["--timeout-delay-ms", "3000"], gatewayArguments: ["--no-recovery"],
                requestTimeoutMs: 1000, publicURL: "http://127.0.0.1:9"
            ) { stack in
                // Caps far above this test's payments: every payment reserves, none is refused.
                try stack.configDirectory.appendingPathComponent("jiangnan.yaml").write(
                    text: JiangnanStack.jiangnanConfig(id: "jiangnan", endpoint: stack.simulator.baseURL, requestTimeoutMs: 1000)
                        + "limits: {daily_count: 10, daily_amount: 100000, time_zone: Asia/Shanghai}\n")
                #expect(try await LimitsTests.eventually { try await LimitsTests.usage(stack)?.cap == 10 }, "the cap was not applied")
                let date = Self.shanghaiDate(Date())
                var ids: [String: String] = [:]
                // Both timed out (pending to the gateway; notifications go nowhere, recovery is off): the bank
                // charged the first and failed the second.
                for (order, amount, subject, status) in [
                    ("held-charged", 1000, "Tea [sim:timeout]", "pending"),
                    ("held-failed", 2000, "Jade [sim:insufficient-funds][sim:timeout]", "pending"),
                    ("paid", 4000, "Silk", "succeeded"),
                ] {
                    let answer = try await stack.pay([
                        "merchant_order_id": order, "amount": amount, "currency": "CNY", "subject": subject, "channel": "jiangnan",
                    ])
                    #expect(answer.status == 201 && answer.string("status") == status, "\(answer.text)")
                    ids[order] = try #require(answer.string("id") as String?)
                }
                let record = try await stack.bankRecord()
                #expect(record.payments.map(\.status).sorted() == ["FAILED", "SUCCESS", "SUCCESS"], "\(record.payments)")
                let reader = try DatabaseQueue(path: stack.dataDirectory.appendingPathComponent("ledger.sqlite").path)
                /// What the day's channel counter holds (read from the ledger: the day of the holds, whatever the clocks say).
                let paidId = ids["paid"]!
                func held() async throws -> (count: Int, amount: Int) {
                    try await reader.read { db in
                        let holds = try String.fetchOne(
                            db, sql: "SELECT limit_holds FROM payments WHERE id = ?", arguments: [paidId]) ?? ""
                        let day = holds.split(separator: "|").dropFirst().first.map(String.init) ?? ""
                        let row = try Row.fetchOne(
                            db,
                            sql: "SELECT COALESCE(SUM(count), 0) AS c, COALESCE(SUM(amount), 0) AS a FROM limit_counters WHERE limit_key = 'channel:jiangnan:CNY' AND day = ?",
                            arguments: [day])
                        return (row?["c"] ?? -1, row?["a"] ?? -1)
                    }
                }
                #expect(try await held() == (3, 7000), "both pending payments hold their reservation")

                // The bank's day ends; reconciliation settles both pending payments from its statement.
                try await Self.moveSimulatorClock(stack.simulator.baseURL, by: Self.shift)
                try await stack.restartGateway(extraArguments: ["--no-recovery", "--channel-clock-offset-ms", "\(Self.shift)"])
                let run = try await ReconTestSupport.run(stack.gateway, date: date)
                #expect(ReconTestSupport.totals(run) == [
                    "matched": .init(count: 1, amounts: ["CNY": 4000]),
                    "compensated": .init(count: 2, amounts: ["CNY": 1000 + 2000]),
                ])
                let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
                #expect(try await ledger.paymentStatus(ids["held-charged"]!) == "succeeded")
                #expect(try await ledger.paymentStatus(ids["held-failed"]!) == "declined")
                #expect(try await ledger.transitions(of: ids["held-failed"]!).last?.cause.hasPrefix("reconciliation: statement") == true)
                #expect(try await held() == (2, 5000), "the charged one keeps its reservation, the failed one gave it back")
                // A re-run settles nothing more and releases nothing twice.
                let again = try await ReconTestSupport.run(stack.gateway, date: date)
                #expect(again.totals["compensated"] == nil && again.totals["matched"]?.count == 2, "\(again.totals)")
                #expect(try await held() == (2, 5000))
            }
        }

        /// yyyy-MM-dd in UTC+8.
        static func shanghaiDate(_ date: Date) -> String {
            String(DiscrepancyTimestamp.iso(ms: Int64(date.timeIntervalSince1970 * 1000) + 8 * 3_600_000).prefix(10))
        }

        /// Payments made seconds before the bank's midnight could fall on two business days: wait it out.
        static func awayFromMidnightInShanghai() async throws {
            let ms = Int64(Date().timeIntervalSince1970 * 1000) + 8 * 3_600_000
            let intoDay = ms % day
            if intoDay > day - 120_000 { try await Task.sleep(for: .milliseconds(day - intoDay + 5_000)) }
        }

        static func payDirectly(_ bank: URL, orderId: String, amount: Int64) async throws {
            let body = try JSONEncoder().encode(
                JiangnanPayBody(out_trade_no: orderId, amount: amount, currency: "CNY", subject: "at the counter", notify_url: "http://127.0.0.1:9/"))
            let timestamp = String(Int64(Date().timeIntervalSince1970 * 1000))
            let nonce = "n-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24).lowercased()
            let signature = JiangnanSigner(secret: SimulatorProcess.secret).signature(
                method: "POST", target: JiangnanRules.payPath, timestamp: timestamp, nonce: nonce, body: body)
            let answer = try await TestHTTP.post(
                bank.appendingPathComponent(String(JiangnanRules.payPath.dropFirst())), body: body,
                headers: [
                    JiangnanHeaders.merchantNo: SimulatorProcess.merchantNumber, JiangnanHeaders.timestamp: timestamp,
                    JiangnanHeaders.nonce: nonce, JiangnanHeaders.signature: signature, "Content-Type": "application/json",
                ], signed: false)
            guard answer.status == 200, answer.text.contains("0000") else { throw HarnessError("direct pay: \(answer.status) \(answer.text)") }
        }

        static func moveSimulatorClock(_ bank: URL, by offset: Int64) async throws {
            let answer = try await TestHTTP.post(
                bank.appendingPathComponent("_sim/clock"), body: Data(#"{"offset_ms":\#(offset)}"#.utf8), signed: false)
            guard answer.status == 200 else { throw HarnessError("sim clock: \(answer.status) \(answer.text)") }
        }
    }
}

/// UTC timestamps in tests (the gateway's discrepancy files use the same form).
enum DiscrepancyTimestamp {
    static func iso(ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
