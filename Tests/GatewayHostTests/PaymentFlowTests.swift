import Foundation
import GatewayAPI
import GRDB
import Testing

/// End to end with the real gateway binary, the real libJiangnan.so and the real bank simulator.
@Suite("Payment flow through the Jiangnan plugin")
struct PaymentFlowTests {
    @Test("pay, replay, conflict, decline, query, partial refund, over-refund, notification")
    func payAndRefund() async throws {
        try await JiangnanStack.with("flow") { stack in

            // pay → succeeded
            let order = "order-\(UUID().uuidString.prefix(8))"
            let body: [String: Any] = ["merchant_order_id": order, "amount": 12345, "currency": "CNY", "subject": "Tea", "channel": "jiangnan"]
            let paid = try await stack.pay(body)
            #expect(paid.status == 201, "\(paid.text)")
            #expect(paid.string("status") == "succeeded")
            #expect(paid.string("bank_transaction_id")?.hasPrefix("JN") == true)
            let paymentId = try #require(paid.string("id"))
            #expect(paymentId.hasPrefix("pay_"))

            // the same request again → the same answer (status and body); the bank saw exactly one pay request
            let replay = try await stack.pay(body)
            #expect(replay.status == 201)
            #expect(replay.body == paid.body)
            #expect(replay.string("id") == paymentId)
            #expect(replay.string("status") == "succeeded")
            #expect(replay.header("Idempotent-Replayed") == "true")
            var record = try await stack.bankRecord()
            #expect(record.requests.filter { $0.target == "/api/v1/pay" && $0.out_trade_no == paymentId }.count == 1)
            #expect(record.payments.filter { $0.out_trade_no == paymentId }.count == 1)

            // same merchant order id, different amount → 409, nothing sent
            var changed = body
            changed["amount"] = 999
            let conflict = try await stack.pay(changed)
            #expect(conflict.status == 409)
            #expect(conflict.errorCode == "idempotency_conflict")

            // query by id and by merchant order id
            let byId = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(paymentId)"), headers: ["X-Merchant-Id": "m1"])
            #expect(byId.status == 200 && byId.string("status") == "succeeded")
            let byOrder = try await TestHTTP.get(
                stack.gateway.merchant("/v1/payments?merchant_order_id=\(order)"), headers: ["X-Merchant-Id": "m1"])
            #expect(byOrder.string("id") == paymentId)
            let otherMerchant = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(paymentId)"), headers: ["X-Merchant-Id": "m2"])
            #expect(otherMerchant.status == 404)

            // declined: the simulator's insufficient-funds case
            let declined = try await stack.pay([
                "merchant_order_id": "declined-\(UUID().uuidString.prefix(8))", "amount": 500, "currency": "CNY",
                "subject": "Gift [sim:insufficient-funds]", "channel": "jiangnan",
            ])
            #expect(declined.status == 201)
            #expect(declined.string("status") == "declined")
            #expect(declined.string("bank_code") == "2001")

            // partial refund → succeeded; then one over the remaining amount → 4xx
            let refundURL = stack.gateway.merchant("/v1/payments/\(paymentId)/refunds")
            let refundBody: [String: Any] = ["merchant_refund_id": "r-\(UUID().uuidString.prefix(8))", "amount": 2000, "reason": "broken cup"]
            let refund = try await TestHTTP.post(refundURL, body: JSONSerialization.data(withJSONObject: refundBody), headers: ["X-Merchant-Id": "m1"])
            #expect(refund.status == 201, "\(refund.text)")
            #expect(refund.string("status") == "succeeded")
            let refundId = try #require(refund.string("id"))
            let refundReplay = try await TestHTTP.post(refundURL, body: JSONSerialization.data(withJSONObject: refundBody), headers: ["X-Merchant-Id": "m1"])
            #expect(refundReplay.status == 201 && refundReplay.string("id") == refundId)
            #expect(refundReplay.body == refund.body)
            let tooMuch = try await TestHTTP.post(
                refundURL,
                body: JSONSerialization.data(withJSONObject: ["merchant_refund_id": "r-over", "amount": 10346, "reason": "x"]),
                headers: ["X-Merchant-Id": "m1"])
            #expect(tooMuch.status == 422)
            #expect(tooMuch.errorCode == "refund_exceeds_remaining")
            let rest = try await TestHTTP.post(
                refundURL,
                body: JSONSerialization.data(withJSONObject: ["merchant_refund_id": "r-rest", "amount": 10345, "reason": "x"]),
                headers: ["X-Merchant-Id": "m1"])
            #expect(rest.status == 201 && rest.string("status") == "succeeded")
            let gotRefund = try await TestHTTP.get(stack.gateway.merchant("/v1/refunds/\(refundId)"), headers: ["X-Merchant-Id": "m1"])
            #expect(gotRefund.string("status") == "succeeded" && gotRefund.string("payment_id") == paymentId)
            let afterRefunds = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(paymentId)"), headers: ["X-Merchant-Id": "m1"])
            #expect(afterRefunds.json["refunded_amount"] as? Int == 12345)
            #expect(afterRefunds.json["refundable_amount"] as? Int == 0)

            // refund of a declined payment → 409
            let declinedId = try #require(declined.string("id"))
            let notRefundable = try await TestHTTP.post(
                stack.gateway.merchant("/v1/payments/\(declinedId)/refunds"),
                body: JSONSerialization.data(withJSONObject: ["merchant_refund_id": "r-declined", "amount": 1]),
                headers: ["X-Merchant-Id": "m1"])
            #expect(notRefundable.status == 409 && notRefundable.errorCode == "payment_not_refundable")

            // the bank agrees: one charge, two refunds summing to the amount
            record = try await stack.bankRecord()
            let bankRefunds = record.refunds.filter { $0.out_trade_no == paymentId }
            #expect(bankRefunds.count == 2)
            #expect(bankRefunds.map(\.refund_amount).reduce(0, +) == 12345)

            // the simulator's notifications for these transactions were accepted as the document requires
            // (HTTP 200 with code 0000 is what the simulator counts as delivered)
            try await waitFor("notifications delivered") {
                let notes = try await stack.bankRecord().notifications.filter { $0.id == paymentId }
                return !notes.isEmpty && notes.allSatisfy { $0.delivered && $0.http_status == 200 }
            }
        }
    }

    @Test("a slow bank answer (timeout) is pending, then resolved by a later query")
    func timeoutThenQuery() async throws {
        // The bank's notifications go nowhere here (public URL on the discard port), so only a query can resolve it.
        try await JiangnanStack.with(
            "timeout", simulatorArguments: ["--slow-response-ms", "3000"], requestTimeoutMs: 1000,
            publicURL: "http://127.0.0.1:9") { stack in

            let slow = try await stack.pay([
                "merchant_order_id": "slow-1", "amount": 700, "currency": "CNY", "subject": "Slow [sim:slow]", "channel": "jiangnan",
            ])
            #expect(slow.status == 201)
            #expect(slow.string("status") == "pending", "a timeout is never a decline: \(slow.text)")
            let slowId = try #require(slow.string("id"))
            try await Task.sleep(for: .seconds(3))
            let resolved = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(slowId)"), headers: ["X-Merchant-Id": "m1"])
            #expect(resolved.string("status") == "succeeded", "\(resolved.text)")
            #expect(try await stack.bankRecord().payments.filter { $0.out_trade_no == slowId }.count == 1)
        }
    }

    @Test("a busy bank is pending; a processing answer is pending and then resolved by the bank's notification")
    func processingThenNotification() async throws {
        try await JiangnanStack.with("processing", simulatorArguments: ["--processing-delay-ms", "1500"]) { stack in
            let busy = try await stack.pay([
                "merchant_order_id": "busy-1", "amount": 600, "currency": "CNY", "subject": "Busy [sim:busy]",
                "channel": "jiangnan",
            ])
            #expect(busy.string("status") == "pending", "\(busy.text)")
            #expect(busy.string("bank_code") == "9998")

            // PROCESSING at the bank → pending; the bank's notification (not a query) resolves it
            let processing = try await stack.pay([
                "merchant_order_id": "proc-1", "amount": 800, "currency": "CNY", "subject": "Wait [sim:processing]",
                "channel": "jiangnan",
            ])
            #expect(processing.string("status") == "pending", "\(processing.text)")
            let processingId = try #require(processing.string("id"))
            let database = try DatabaseQueue(
                path: stack.dataDirectory.appendingPathComponent("ledger.sqlite").path, configuration: readOnly())
            try await waitFor("notification applied") {
                try await database.read { db in
                    try String.fetchOne(db, sql: "SELECT status FROM payments WHERE id = ?", arguments: [processingId])
                } == "succeeded"
            }
            let cause = try await database.read { db in
                try String.fetchOne(
                    db, sql: "SELECT cause FROM transitions WHERE transaction_id = ? AND to_status = 'succeeded'",
                    arguments: [processingId])
            }
            #expect(cause == "bank notification")
            let notes = try await stack.bankRecord().notifications.filter { $0.id == processingId }
            #expect(notes.contains { $0.delivered && $0.http_status == 200 })
        }
    }

    @Test("a statement downloaded and parsed through the plugin matches the bank's record; a restart loses nothing")
    func statementMatchesBank() async throws {
        // Transact two days in the past (bank and gateway clocks both shifted), so the statement is available.
        let twoDays: Int64 = 2 * 86_400_000
        try await JiangnanStack.with(
            "statement", simulatorArguments: ["--clock-offset-ms=-\(twoDays)"],
            gatewayArguments: ["--channel-clock-offset-ms=-\(twoDays)"]) { stack in
            var ids: [String] = []
            for (index, subject) in ["Tea", "Cake", "Gift [sim:insufficient-funds]", "Pot"].enumerated() {
                let paid = try await stack.pay([
                    "merchant_order_id": "st-\(index)", "amount": 1000 + index * 111, "currency": "CNY", "subject": subject,
                    "channel": "jiangnan",
                ])
                ids.append(try #require(paid.string("id")))
            }
            let refund = try await TestHTTP.post(
                stack.gateway.merchant("/v1/payments/\(ids[0])/refunds"),
                body: JSONSerialization.data(withJSONObject: ["merchant_refund_id": "st-r0", "amount": 300]),
                headers: ["X-Merchant-Id": "m1"])
            #expect(refund.string("status") == "succeeded")

            // Back to real time on both sides; the gateway restarts on the same database.
            _ = try await TestHTTP.post(
                URL(string: stack.simulator.baseURL.absoluteString + "/_sim/clock")!,
                body: Data(#"{"offset_ms": 0}"#.utf8))
            try await stack.restartGateway()
            let stillThere = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(ids[1])"), headers: ["X-Merchant-Id": "m1"])
            #expect(stillThere.string("status") == "succeeded")

            let bank = try await stack.bankRecord()
            let finished = try #require(bank.payments.first { $0.out_trade_no == ids[0] }?.finished_at)
            let date = String(finished.prefix(10))
            let summary = try await TestHTTP.post(
                stack.gateway.admin("/admin/channels/jiangnan/statements?date=\(date)&records=true"), body: Data(),
                headers: stack.gateway.adminHeaders)
            #expect(summary.status == 200, "\(summary.text)")
            let parsed = try summary.decode(AdminStatementSummary.self)
            #expect(parsed.issues.isEmpty, "\(parsed.issues)")
            let bankRows = Set(bank.payments.filter { $0.status != "PROCESSING" && $0.finished_at.hasPrefix(date) }.map {
                Row(id: $0.out_trade_no, kind: "payment", amount: $0.amount, fee: $0.fee, status: $0.status == "SUCCESS" ? "succeeded" : "failed")
            } + bank.refunds.filter { $0.finished_at.hasPrefix(date) }.map {
                Row(id: $0.out_refund_no, kind: "refund", amount: $0.refund_amount, fee: 0, status: $0.status == "SUCCESS" ? "succeeded" : "failed")
            })
            let statementRows = Set((parsed.records ?? []).map {
                Row(id: $0.transactionId, kind: $0.kind, amount: $0.amount, fee: $0.fee, status: $0.status)
            })
            #expect(bankRows.count == 5)
            #expect(statementRows == bankRows)
            #expect(parsed.trailer?.recordCount == 5)
            #expect(parsed.trailer?.amountTotal == bankRows.filter { $0.status == "succeeded" }.map(\.amount).reduce(0, +))
            #expect(parsed.trailer?.feeTotal == bankRows.map(\.fee).reduce(0, +))
        }
    }

    struct Row: Hashable {
        var id: String
        var kind: String
        var amount: Int64
        var fee: Int64
        var status: String
    }

}

func readOnly() -> Configuration {
    var configuration = Configuration()
    configuration.readonly = true
    return configuration
}

/// Polls `condition` every 200 ms for at most `timeout`.
func waitFor(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    Issue.record("timed out waiting for \(what)")
}
