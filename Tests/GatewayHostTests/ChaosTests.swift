import Foundation
import GRDB
import Synchronization
import Testing

extension EndToEndLoadTests {
    /// A thousand payments (and refunds of some of them) through the real gateway and the real plugin while
    /// the bank simulator injects random faults, queries are unavailable for a while, and the gateway is killed
    /// with SIGKILL and restarted in the middle. Afterwards the ledger and the bank must agree exactly.
    @Suite("Chaos: random bank faults, SIGKILL, restart", .serialized)
    struct ChaosTests {
        static let payments = 1000
        static let workers = 16
        static let faults =
            "timeout=0.02,5xx=0.03,5xx-before=0.03,reset=0.03,malformed=0.03,bad-signature=0.03,busy=0.03,processing=0.05,dup-notify=0.03"

        /// What the merchant side saw for one order.
        struct Answer: Sendable {
            var orderId: String
            var paymentId: String
            var amount: Int64
            var status: String
        }

        @Test("1,000 payments with faults and a SIGKILL: no 2xx lost, no double charge, ledger == bank, nothing left open")
        func thousandPayments() async throws {
            let stack = try await JiangnanStack.start(
                "chaos",
                simulatorArguments: [
                    "--faults", Self.faults, "--fault-seed", "20261125", "--timeout-delay-ms", "2500",
                    "--processing-delay-ms", "400",
                    // A notification that failed (the gateway was down, or notify_unavailable) is retried only after
                    // the run: the payments it would have resolved are left to the recovery worker's queries, which
                    // this test must see work.
                    "--notify-delays", "120,120,300,600,1200,1800,1800",
                ],
                gatewayArguments: ["--recovery-schedule", "0.3,0.6,1,2", "--recovery-poll-ms", "100"], requestTimeoutMs: 1000)
            do {
                try await run(stack)
            } catch {
                print("chaos: gateway log tail:\n" + String(stack.gateway.readLog().suffix(6000)))
                await stack.stop()
                throw error
            }
            await stack.stop()
        }

        private func run(_ stack: JiangnanStack) async throws {
            let sim = stack.simulator.baseURL.absoluteString
            // The bank answers no queries at first: recovery can only try, and must not guess.
            try await setFaults(sim, ["query_unavailable": true])

            let gatewayURL = Shared(stack.gateway.merchantURL.absoluteString)
            let answers = Shared<[Answer]>([])
            let refunds = Shared<[String: Int64]>([:])  // refund id → amount, for refunds answered 2xx
            let next = Shared(0)
            let finished = Shared(0)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<Self.workers {
                    group.addTask {
                        while true {
                            let index = next.withLock { value in
                                defer { value += 1 }
                                return value
                            }
                            guard index < Self.payments else { return }
                            let order = "chaos-\(index)"
                            let amount = Int64(100 + index)
                            let body = try JSONSerialization.data(withJSONObject: [
                                "merchant_order_id": order, "amount": amount, "currency": "CNY",
                                "subject": "chaos \(index)", "channel": "jiangnan",
                            ])
                            let paid = try await Self.persistently { try await TestHTTP.post(URL(string: gatewayURL.withLock { $0 } + "/v1/payments")!, body: body, headers: ["X-Merchant-Id": "m1"]) }
                            let id = try #require(paid.string("id"), "\(paid.text)")
                            answers.withLock {
                                $0.append(Answer(orderId: order, paymentId: id, amount: amount, status: paid.string("status") ?? "?"))
                            }
                            if paid.string("status") == "succeeded", index % 5 == 0 {
                                let refundBody = try JSONSerialization.data(withJSONObject: [
                                    "merchant_refund_id": "chaos-r-\(index)", "amount": amount / 2, "reason": "chaos",
                                ])
                                let refunded = try await Self.persistently {
                                    try await TestHTTP.post(
                                        URL(string: gatewayURL.withLock { $0 } + "/v1/payments/\(id)/refunds")!, body: refundBody,
                                        headers: ["X-Merchant-Id": "m1"])
                                }
                                if let refundId = refunded.string("id") { refunds.withLock { $0[refundId] = amount / 2 } }
                            }
                            finished.withLock { $0 += 1 }
                        }
                    }
                }
                // The crash: SIGKILL in the middle of the run, then a restart on the same ledger.
                while finished.withLock({ $0 }) < Self.payments * 2 / 5 {
                    try await Task.sleep(for: .milliseconds(20))
                }
                // (The restarted gateway's credentials self-check is a query: the bank must answer it. A channel
                // whose self-check fails stays unavailable until the next restart; see the issue 3 notes.)
                try await setFaults(sim, ["query_unavailable": false])
                try await stack.restartGateway(
                    extraArguments: ["--recovery-schedule", "0.3,0.6,1,2", "--recovery-poll-ms", "100"], crash: true)
                gatewayURL.withLock { $0 = stack.gateway.merchantURL.absoluteString }
                try await setFaults(sim, ["query_unavailable": true])
                // A stretch in which the bank's notifications cannot reach the gateway (retried only after the
                // run): the payments left pending in it can only be resolved by the recovery worker's queries once
                // the bank answers them again. Without it, whether a query or a notification came first depended
                // on how long the crash took, and a fast restart on a loaded machine left no query to see.
                while finished.withLock({ $0 }) < Self.payments * 3 / 5 {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await setFaults(sim, ["notify_unavailable": true])
                while finished.withLock({ $0 }) < Self.payments * 4 / 5 {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await setFaults(sim, ["notify_unavailable": false])
                try await group.waitForAll()
            }

            // The bank recovers: no more faults, queries answered. Time moves past the bank's 360 s finality window
            // (bank clock and gateway clock together), so that transactions the bank never saw can be closed.
            try await setFaults(sim, ["query_unavailable": false, "rates": [String: Double]()])
            let shift = 400_000
            _ = try await TestHTTP.post(
                URL(string: sim + "/_sim/clock")!, body: Data(#"{"offset_ms":\#(shift)}"#.utf8))
            try await stack.restartGateway(extraArguments: [
                "--recovery-schedule", "0.3,0.6,1,2", "--recovery-poll-ms", "100", "--clock-offset-ms=\(shift)",
                "--channel-clock-offset-ms=\(shift)",
            ])

            let ledgerFile = stack.dataDirectory.appendingPathComponent("ledger.sqlite")
            let deadline = ContinuousClock.now + .seconds(90)
            var open = try Self.openCount(ledgerFile)
            while open > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
                open = try Self.openCount(ledgerFile)
            }
            #expect(open == 0, "payments or refunds still open after the bank came back")

            let ledger = try Self.readLedger(ledgerFile)
            let bank = try await stack.bankRecord()
            let seen = answers.withLock { $0 }

            // Every payment the merchant got a 2xx for is in the ledger, under its order id, with its amount.
            #expect(seen.count == Self.payments)
            for answer in seen {
                let row = ledger.payments[answer.paymentId]
                #expect(row?.orderId == answer.orderId && row?.amount == answer.amount, "\(answer.paymentId) missing or wrong")
            }
            // One payment per order in the ledger.
            #expect(Set(ledger.payments.values.map(\.orderId)).count == ledger.payments.count)
            #expect(ledger.payments.count == Self.payments)

            // The bank charged each of our payments at most once, and exactly the ones the ledger says succeeded.
            let charged = bank.payments.filter { $0.status == "SUCCESS" }
            #expect(Dictionary(grouping: bank.payments, by: \.out_trade_no).values.allSatisfy { $0.count == 1 })
            let chargedIds = Set(charged.map(\.out_trade_no))
            let succeededIds = Set(ledger.payments.filter { $0.value.status == "succeeded" }.map(\.key))
            #expect(chargedIds == succeededIds, "bank-only: \(chargedIds.subtracting(succeededIds).sorted().prefix(5)); ledger-only: \(succeededIds.subtracting(chargedIds).sorted().prefix(5))")
            for payment in charged {
                #expect(ledger.payments[payment.out_trade_no]?.amount == payment.amount)
            }
            #expect(ledger.payments.values.allSatisfy { $0.status == "succeeded" || $0.status == "declined" })

            // Refunds: the bank's successful refunds are exactly the ledger's succeeded ones, with the same amounts.
            let bankRefunds = bank.refunds.filter { $0.status == "SUCCESS" }
            #expect(Dictionary(grouping: bank.refunds, by: \.out_refund_no).values.allSatisfy { $0.count == 1 })
            let ledgerRefunds = ledger.refunds.filter { $0.value.status == "succeeded" }
            #expect(Set(bankRefunds.map(\.out_refund_no)) == Set(ledgerRefunds.keys))
            for refund in bankRefunds {
                #expect(ledgerRefunds[refund.out_refund_no]?.amount == refund.refund_amount)
            }
            for (id, amount) in refunds.withLock({ $0 }) {
                #expect(ledger.refunds[id]?.amount == amount, "refund \(id) answered 2xx but is not in the ledger")
            }
            #expect(ledger.refunds.values.allSatisfy { $0.status == "succeeded" || $0.status == "declined" })

            // The run really exercised the faults and the recovery paths.
            let faulted = bank.requests.filter { $0.fault != nil }.count
            #expect(faulted > 50, "only \(faulted) faults were injected")
            print("chaos: transitions by cause: \(ledger.causes.sorted { $0.key < $1.key })")
            // The notify_unavailable stretch leaves payments to the queries: 54 in a run here (the seed fixes the faults).
            #expect(ledger.causes["recovery query", default: 0] >= 10, "\(ledger.causes)")
            // Requests the bank never saw (5xx-before, the crash) were closed only after its finality window.
            #expect(ledger.causes["recovery: not found after the finality window", default: 0] > 0, "\(ledger.causes)")
            #expect(ledger.causes["bank notification", default: 0] > 0, "\(ledger.causes)")
        }

        /// A value shared by the worker tasks.
        final class Shared<Value: Sendable>: Sendable {
            private let value: Mutex<Value>
            init(_ value: Value) { self.value = Mutex(value) }
            func withLock<T: Sendable>(_ body: (inout sending Value) throws -> sending T) rethrows -> T {
                try value.withLock(body)
            }
        }

        /// Sends until the gateway answers something other than a transport error or a 5xx (it may be down).
        static func persistently(_ send: () async throws -> HTTPResult) async throws -> HTTPResult {
            let deadline = ContinuousClock.now + .seconds(120)
            var last = "no answer"
            while true {
                do {
                    let result = try await send()
                    last = "\(result.status) \(result.text)"
                    if result.status < 500 {
                        guard result.status < 300 else { throw HarnessError("gateway answered \(result.status): \(result.text)") }
                        return result
                    }
                } catch let error as HarnessError {
                    throw error
                } catch {
                    // connection refused or reset: the gateway is being restarted
                }
                guard ContinuousClock.now < deadline else { throw HarnessError("the gateway did not come back; last: \(last)") }
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        private func setFaults(_ sim: String, _ body: [String: Any]) async throws {
            let result = try await TestHTTP.send(
                "PUT", URL(string: sim + "/_sim/faults")!, body: try JSONSerialization.data(withJSONObject: body), headers: [:])
            guard result.status == 200 else { throw HarnessError("PUT /_sim/faults answered \(result.status): \(result.text)") }
        }

        struct LedgerRow { var orderId: String; var amount: Int64; var status: String }
        struct Ledger {
            var payments: [String: LedgerRow]
            var refunds: [String: LedgerRow]
            /// How many transitions each cause wrote.
            var causes: [String: Int]
        }

        static func openCount(_ file: URL) throws -> Int {
            let queue = try DatabaseQueue(path: file.path)
            return try queue.read { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT (SELECT COUNT(*) FROM payments WHERE status IN ('processing','pending'))
                             + (SELECT COUNT(*) FROM refunds WHERE status IN ('processing','pending'))
                        """) ?? -1
            }
        }

        static func readLedger(_ file: URL) throws -> Ledger {
            let queue = try DatabaseQueue(path: file.path)
            return try queue.read { db in
                var payments: [String: LedgerRow] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT id, merchant_order_id, amount, status FROM payments") {
                    payments[row["id"]] = LedgerRow(orderId: row["merchant_order_id"], amount: row["amount"], status: row["status"])
                }
                var refunds: [String: LedgerRow] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT id, merchant_refund_id, amount, status FROM refunds") {
                    refunds[row["id"]] = LedgerRow(orderId: row["merchant_refund_id"], amount: row["amount"], status: row["status"])
                }
                var causes: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT cause, COUNT(*) AS n FROM transitions GROUP BY cause") {
                    causes[row["cause"]] = row["n"]
                }
                return Ledger(payments: payments, refunds: refunds, causes: causes)
            }
        }
    }
}
