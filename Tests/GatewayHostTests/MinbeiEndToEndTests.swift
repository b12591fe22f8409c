import Foundation
import MinbeiProtocol
import SimulatorSupport
import Testing

/// End to end with the real gateway binary, the real libMinbei.so and the real `minbei-sim` process.
@Suite("Minbei through the gateway")
struct MinbeiEndToEndTests {
    static let recovery = ["--recovery-schedule", "0.5,0.5,1,1,2", "--recovery-poll-ms", "100"]

    @Test("pay with a Chinese subject, replay, decline, partial refund, over-refund; notifications answered 'success'")
    func payAndRefund() async throws {
        try await BankStack.with(MinbeiStack.setup, label: "minbei-flow") { stack in
            let subject = "订单42 乌龙茶"
            let paid = try await stack.pay("mb-order-1", amount: 12345, subject: subject)
            #expect(paid.status == 201, "\(paid.text)")
            #expect(paid.string("status") == "succeeded", "\(paid.text)")
            let bankSeq = try #require(paid.string("bank_transaction_id"))
            #expect(MinbeiRules.isBankSequence(bankSeq), "\(bankSeq)")
            let id = try #require(paid.string("id"))

            // The bank verified our MD5 over the GBK bytes of the Chinese subject and kept it unchanged.
            var record = try await stack.bankRecord()
            let pays = record.requests.filter { $0.operation == "pay" && $0.transaction_id == id }
            #expect(pays.count == 1 && pays.allSatisfy(\.signature_valid) && pays.first?.code == "00", "\(pays)")
            #expect(record.payments.first { $0.transaction_id == id }?.subject == subject)
            #expect(record.payments.first { $0.transaction_id == id }?.amount == 12345)

            // The same merchant request again: the same answer, and still one charge at the bank.
            let replay = try await stack.pay("mb-order-1", amount: 12345, subject: subject)
            #expect(replay.status == 201 && replay.body == paid.body)
            record = try await stack.bankRecord()
            #expect(record.requests.filter { $0.operation == "pay" && $0.transaction_id == id }.count == 1)
            #expect(record.payments.filter { $0.transaction_id == id }.count == 1)

            // Declined: 51 insufficient funds.
            let declined = try await stack.pay("mb-poor-1", amount: 500, subject: "礼物 [sim:insufficient-funds]")
            #expect(declined.string("status") == "declined", "\(declined.text)")
            // The answer's 51, or the notification's F when the bank's notification settled it first (it carries
            // no refusal code); the bank's own record holds the 51.
            #expect(["51", "F"].contains(declined.string("bank_code") ?? ""), "\(declined.text)")
            let declinedId = try #require(declined.string("id"))
            #expect(try await stack.bankRecord().payments.first { $0.transaction_id == declinedId }?.code == "51")

            // A partial refund, then one over what remains → 422, then the rest.
            let refund = try await stack.refund(id, id: "mb-r-1", amount: 2000, reason: "退一杯")
            #expect(refund.status == 201 && refund.string("status") == "succeeded", "\(refund.text)")
            let over = try await stack.refund(id, id: "mb-r-over", amount: 10346)
            #expect(over.status == 422 && over.errorCode == "refund_exceeds_remaining", "\(over.text)")
            let rest = try await stack.refund(id, id: "mb-r-2", amount: 10345)
            #expect(rest.status == 201 && rest.string("status") == "succeeded", "\(rest.text)")
            let after = try await stack.payment(id)
            #expect(after.json["refunded_amount"] as? Int == 12345)
            record = try await stack.bankRecord()
            #expect(record.refunds.filter { $0.payment_transaction_id == id }.map(\.amount).sorted() == [2000, 10345])
            #expect(record.refunds.first { $0.payment_transaction_id == id && $0.amount == 2000 }?.reason == "退一杯")

            // Every notification (pay, decline, refunds) was verified and answered `success` by the gateway.
            try await waitFor("notifications delivered") {
                let notes = try await stack.bankRecord().notifications
                return notes.count >= 4 && notes.allSatisfy { $0.delivered && $0.http_status == 200 }
            }
        }
    }

    @Test("busy and processing are pending; recovery's query resolves processing, and busy after the 5-minute rule")
    func busyAndProcessing() async throws {
        // Notifications go nowhere (the discard port): only queries resolve anything here.
        try await BankStack.with(
            MinbeiStack.setup, label: "minbei-pending", simulatorArguments: ["--processing-delay-ms", "1000"],
            gatewayArguments: Self.recovery, publicURL: "http://127.0.0.1:9"
        ) { stack in
            let busy = try await stack.pay("mb-busy-1", amount: 600, subject: "Busy [sim:busy]")
            #expect(busy.string("status") == "pending", "\(busy.text)")
            #expect(busy.string("bank_code") == "91")
            let busyId = try #require(busy.string("id"))
            let processing = try await stack.pay("mb-proc-1", amount: 800, subject: "Wait [sim:processing]")
            #expect(processing.string("status") == "pending", "\(processing.text)")
            #expect(processing.string("bank_code") == "09")
            let processingId = try #require(processing.string("id"))

            let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
            try await waitFor("processing resolved by query") { try await ledger.paymentStatus(processingId) == "succeeded" }
            #expect(try await ledger.transitions(of: processingId).last?.cause == "recovery query")
            // The bank answers 25 for the busy one, but within 5 minutes of sending that proves nothing.
            try await waitFor("busy queried") {
                try await stack.bankRecord().requests.contains { $0.operation == "query" && $0.transaction_id == busyId && $0.code == "25" }
            }
            #expect(try await ledger.paymentStatus(busyId) == "pending")

            // Six minutes on (gateway and bank clocks together): a 25 now proves it was never processed.
            let shift: Int64 = 6 * 60_000
            try await stack.moveSimulatorClock(to: shift)
            try await stack.restartGateway(
                extraArguments: Self.recovery + ["--clock-offset-ms=\(shift)", "--channel-clock-offset-ms=\(shift)"])
            try await waitFor("busy declined after the finality window") { try await ledger.paymentStatus(busyId) == "declined" }
            #expect(try await ledger.transitions(of: busyId).last?.cause == "recovery: not found after the finality window")
            #expect(try await stack.bankRecord().payments.contains { $0.transaction_id == busyId } == false)
        }
    }

    @Test("a timeout and a badly signed answer are pending, never declined; the query resolves them; one charge each")
    func timeoutAndBadSignature() async throws {
        try await BankStack.with(
            MinbeiStack.setup, label: "minbei-unknown", simulatorArguments: ["--timeout-delay-ms", "3000"],
            gatewayArguments: Self.recovery, requestTimeoutMs: 1000, publicURL: "http://127.0.0.1:9"
        ) { stack in
            let slow = try await stack.pay("mb-timeout-1", amount: 700, subject: "Slow [sim:timeout]")
            #expect(slow.string("status") == "pending", "a timeout is never a decline: \(slow.text)")
            let forged = try await stack.pay("mb-badsig-1", amount: 900, subject: "Odd [sim:bad-signature]")
            #expect(forged.string("status") == "pending", "an unverifiable answer is never a decline: \(forged.text)")
            let malformed = try await stack.pay("mb-malformed-1", amount: 901, subject: "Odd [sim:malformed]")
            #expect(malformed.string("status") == "pending", "\(malformed.text)")
            let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
            for answer in [slow, forged, malformed] {
                let id = try #require(answer.string("id"))
                try await waitFor("resolved by query") { try await ledger.paymentStatus(id) == "succeeded" }
                #expect(try await stack.bankRecord().payments.filter { $0.transaction_id == id }.count == 1)
                #expect(try await stack.bankRecord().requests.filter { $0.operation == "pay" && $0.transaction_id == id }.count == 1)
            }
        }
    }

    @Test("a forged notification is refused with a 4xx and changes nothing; a genuine one resolves the payment")
    func notifications() async throws {
        try await BankStack.with(
            MinbeiStack.setup, label: "minbei-notify", simulatorArguments: ["--processing-delay-ms", "120000"],
            gatewayArguments: ["--no-recovery"], publicURL: "http://127.0.0.1:9"
        ) { stack in
            let paid = try await stack.pay("mb-notify-1", amount: 1234, subject: "Tea [sim:processing]")
            #expect(paid.string("status") == "pending", "\(paid.text)")
            let id = try #require(paid.string("id"))
            let bankSeq = try #require(try await stack.bankRecord().payments.first { $0.transaction_id == id }?.bank_transaction_id)
            let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
            let url = stack.gateway.merchant("/v1/notify/minbei")
            let fields: [(name: String, value: String)] = [
                ("trans_type", "01"), ("order_no", id), ("bank_seq", bankSeq), ("amount", "12.34"), ("trans_status", "S"),
                ("trans_time", MinbeiTime.compact(unixSeconds: Int64(Date().timeIntervalSince1970))),
            ]
            let headers = ["Content-Type": "application/x-www-form-urlencoded; charset=GBK"]

            // Signed with another key, unsigned, or tampered after signing: refused, nothing changes.
            let wrongKey = MinbeiStack.notification(fields, key: "not-the-key")
            var tampered = String(decoding: MinbeiStack.notification(fields), as: UTF8.self)
            tampered = tampered.replacingOccurrences(of: "amount=12.34", with: "amount=99.99")
            let unsigned = Data(MinbeiForm([("service", "notify")] + fields).encoded()!)
            for body in [wrongKey, Data(tampered.utf8), unsigned] {
                let answer = try await TestHTTP.post(url, body: body, headers: headers, signed: false)
                #expect((400..<500).contains(answer.status), "\(answer.status) \(answer.text)")
                #expect(answer.text != "success")
                #expect(try await ledger.paymentStatus(id) == "pending")
            }

            // The genuine one: answered with the plain text `success`, and the payment is final.
            let genuine = try await TestHTTP.post(url, body: MinbeiStack.notification(fields), headers: headers, signed: false)
            #expect(genuine.status == 200 && genuine.text == "success", "\(genuine.status) \(genuine.text)")
            #expect(try await ledger.paymentStatus(id) == "succeeded")
            #expect(try await ledger.transitions(of: id).last?.cause == "bank notification")
        }
    }
}
