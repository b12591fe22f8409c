import Foundation
import GatewayAPI
import HaixiProtocol
import MinbeiProtocol
import Testing

extension EndToEndLoadTests {
    /// Payments really made through the gateway on each new bank, the bank simulator's own statement of them (in
    /// the bank's format), and the gateway's reconciliation of the two: exactly the expected classes.
    @Suite("Reconciliation against each bank simulator's statement", .serialized)
    struct BankReconTests {
        @Test("Minbei: the gzip'd GBK statement of payments, a decline, a refund, a timeout left pending and a charge only the bank has")
        func minbei() async throws {
            try await Self.reconcile(MinbeiStack.setup) { stack in
                // A charge the gateway never recorded: paid at the bank directly.
                let form = MinbeiSigner(key: MinbeiStack.key).signed(
                    MinbeiForm([
                        ("service", "pay"), ("mer_id", MinbeiStack.merchantId), ("order_no", "bank-only-1"), ("amount", "7.77"),
                        ("cur", "156"), ("subject", "柜台"), ("notify_url", "http://127.0.0.1:9/"),
                    ]))!
                let answer = try await TestHTTP.post(
                    stack.simulatorURL.appendingPathComponent("acq/gateway.do"), body: Data(form.encoded()!),
                    headers: ["Content-Type": "application/x-www-form-urlencoded; charset=GBK"], signed: false)
                guard answer.status == 200, MinbeiForm.decode(answer.body)?["resp_code"] == "00" else {
                    throw HarnessError("direct pay: \(answer.status) \(answer.text)")
                }
            }
        }

        @Test("Haixi: the fixed-width statement (base64 in the 1004 answer, from haixi-sim) of payments, a decline, a refund, a timeout left pending and a charge only the bank has")
        func haixi() async throws {
            try await Self.reconcile(HaixiStack.setup) { stack in
                let message = HaixiMessage(
                    head: [
                        ("TxCode", "1001"), ("MerId", HaixiStack.merchantId), ("TxTime", HaixiTime.format(Date())),
                        ("SerialNo", "bank-only-1"),
                    ],
                    body: [("Amount", "777"), ("Currency", "CNY"), ("Subject", "柜台"), ("NotifyUrl", "http://127.0.0.1:9/")])
                let signer = try HaixiSigner(
                    privateKeyPEM: String(contentsOf: HaixiStack.keys.appendingPathComponent("merchant.pem"), encoding: .utf8))
                let answer = try await TestHTTP.post(
                    stack.simulatorURL.appendingPathComponent("gateway"), body: Data(try message.encoded(signedBy: signer)),
                    headers: ["Content-Type": "text/xml; charset=UTF-8"], signed: false)
                guard answer.status == 200, answer.text.contains("<RespCode>000000</RespCode>"), answer.text.contains("<TxStatus>00</TxStatus>")
                else { throw HarnessError("direct pay: \(answer.status) \(answer.text)") }
            }
        }

        @Test("Haixi: a generated day in Haixi's fixed-width format reconciles to the answer key")
        func haixiGenerated() async throws {
            try await Self.generated(HaixiStack.setup, format: "haixi")
        }

        @Test("Minbei: a generated day in Minbei's format (gzip'd GBK) reconciles to the answer key")
        func minbeiGenerated() async throws {
            try await Self.generated(MinbeiStack.setup, format: "minbei") { bytes in
                #expect(Array(bytes.prefix(2)) == [0x1F, 0x8B], "gzip")
            }
        }

        /// 20,000 generated rows with 5 of each discrepancy case, in `format`, reconciled through the bank's plugin.
        static func generated(_ setup: BankSetup, format: String, check: (Data) -> Void = { _ in }) async throws {
            try await BankStack.with(setup, label: "recon-gen-\(format)", gatewayArguments: ["--no-recovery"]) { stack in
                let date = "2026-11-24"
                let key = try await ReconTestSupport.generate(
                    in: stack.directory, dataDirectory: stack.dataDirectory, date: date, rows: 20_000, each: 5,
                    channel: setup.channelId, format: format)
                let statement = stack.dataDirectory.appendingPathComponent("statements/\(setup.channelId)/\(date).statement")
                check(try Data(contentsOf: statement))
                let run = try await ReconTestSupport.run(stack.gateway, channel: setup.channelId, date: date)
                #expect(run.statement.downloaded == false)
                #expect(ReconTestSupport.totals(run) == key.classes)
                #expect(run.ledgerRows == key.ledger_rows)
                #expect(run.statementLines == key.statement_lines)
                #expect(run.findings.isEmpty, "the generator writes a correct header: \(run.findings)")
            }
        }

        /// Pays (three good, one declined, one timing out and left pending), refunds one, lets `payDirectly` add a
        /// charge only the bank has, moves the bank past the day's end and reconciles the day.
        static func reconcile(_ setup: BankSetup, payDirectly: (BankStack) async throws -> Void) async throws {
            try await ReconSimulatorTests.awayFromMidnightInShanghai()
            try await BankStack.with(
                setup, label: "recon-\(setup.channelId)", simulatorArguments: ["--timeout-delay-ms", "3000"],
                gatewayArguments: ["--no-recovery"], requestTimeoutMs: 1000, publicURL: "http://127.0.0.1:9"
            ) { stack in
                let date = ReconSimulatorTests.shanghaiDate(Date())
                var paid: [String: String] = [:]
                for (order, amount, subject) in [
                    ("ok-1", 1000, "茶叶"), ("ok-2", 2000, "Rice"), ("ok-3", 3000, "丝绸 silk"),
                    ("no-1", 4000, "Jade [sim:insufficient-funds]"), ("late-1", 5000, "Ink [sim:timeout]"),
                ] {
                    let answer = try await stack.pay(order, amount: amount, subject: subject)
                    #expect(answer.status == 201, "\(answer.text)")
                    let id = try #require(answer.string("id"))
                    paid[order] = id
                    if order == "no-1" { #expect(answer.string("status") == "declined", "\(answer.text)") }
                    if order == "late-1" { #expect(answer.string("status") == "pending", "\(answer.text)") }
                }
                let refund = try await stack.refund(paid["ok-1"]!, id: "r-1", amount: 300, reason: "退一杯")
                #expect(refund.string("status") == "succeeded", "\(refund.text)")
                try await payDirectly(stack)

                // The bank's day ends; its statement is ready from 01:00 the next day (bank clock).
                try await stack.moveSimulatorClock(to: ReconSimulatorTests.shift)
                try await stack.restartGateway(
                    extraArguments: ["--no-recovery", "--channel-clock-offset-ms", "\(ReconSimulatorTests.shift)"])
                let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
                #expect(try await ledger.paymentStatus(paid["late-1"]!) == "pending")

                let run = try await ReconTestSupport.run(stack.gateway, channel: setup.channelId, date: date)
                #expect(run.statement.downloaded)
                #expect(ReconTestSupport.totals(run) == [
                    "matched": .init(count: 4, amounts: ["CNY": 1000 + 2000 + 3000 + 300]),
                    "matched_no_charge": .init(count: 1, amounts: ["CNY": 4000]),
                    "compensated": .init(count: 1, amounts: ["CNY": 5000]),
                    "missing_in_ledger": .init(count: 1, amounts: ["CNY": 777]),
                ])
                #expect(run.findings.isEmpty, "\(run.findings)")
                #expect(try await ledger.paymentStatus(paid["late-1"]!) == "succeeded")
                let breaks = try await ReconTestSupport.breaks(stack.gateway, query: "?channel=\(setup.channelId)&open=true")
                #expect(breaks.map(\.breakClass) == ["missing_in_ledger"])
                #expect(breaks.first?.statement?.amount == 777)

                // A re-run sees the payment settled: everything matched but the bank-only charge.
                let second = try await ReconTestSupport.run(stack.gateway, channel: setup.channelId, date: date)
                #expect(second.totals["compensated"] == nil)
                #expect(second.totals["matched"]?.count == 5)
            }
        }
    }
}
