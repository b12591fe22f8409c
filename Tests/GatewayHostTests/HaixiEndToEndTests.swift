import Foundation
import HaixiProtocol
import SimulatorSupport
import Testing

/// End to end with the real gateway binary, the real libHaixi.so and the real `haixi-sim` process.
@Suite("Haixi through the gateway")
struct HaixiEndToEndTests {
    static let recovery = ["--recovery-schedule", "0.5,0.5,1,1,2", "--recovery-poll-ms", "100"]

    @Test("pay, replay, decline, partial refund, over-refund; every notification verified and answered with the signed reply")
    func payAndRefund() async throws {
        try await BankStack.with(HaixiStack.setup, label: "haixi-flow") { stack in
            let paid = try await stack.pay("hx-order-1", amount: 12345, subject: "订单42 乌龙茶 & <tea>")
            #expect(paid.status == 201, "\(paid.text)")
            #expect(paid.string("status") == "succeeded", "\(paid.text)")
            let bankSerial = try #require(paid.string("bank_transaction_id"))
            #expect(HaixiStatement.isBankSerial(bankSerial), "\(bankSerial)")
            let id = try #require(paid.string("id"))

            // The bank verified our RSA signature over the message as sent, escapes and Chinese included.
            var record = try await stack.bankRecord()
            let pays = record.requests.filter { $0.operation == "pay" && $0.transaction_id == id }
            #expect(pays.count == 1 && pays.allSatisfy(\.signature_valid) && pays.first?.code == "000000", "\(pays)")
            #expect(record.payments.first { $0.transaction_id == id }?.subject == "订单42 乌龙茶 & <tea>")

            let replay = try await stack.pay("hx-order-1", amount: 12345, subject: "订单42 乌龙茶 & <tea>")
            #expect(replay.status == 201 && replay.body == paid.body)
            record = try await stack.bankRecord()
            #expect(record.payments.filter { $0.transaction_id == id }.count == 1)

            let declined = try await stack.pay("hx-poor-1", amount: 500, subject: "gift [sim:insufficient-funds]")
            #expect(declined.string("status") == "declined", "\(declined.text)")
            // The bank answered 200001; its 2001 (TxStatus 02, no refusal code in the document's Body) is sent
            // as the payment is booked and may reach the gateway first, which then records its status 02.
            #expect(["200001", "02"].contains(declined.string("bank_code") ?? ""), "\(declined.text)")
            let declinedId = try #require(declined.string("id"))
            record = try await stack.bankRecord()
            #expect(record.requests.first { $0.operation == "pay" && $0.transaction_id == declinedId }?.code == "200001")
            #expect(record.payments.first { $0.transaction_id == declinedId }?.status == .failed)

            let refund = try await stack.refund(id, id: "hx-r-1", amount: 2000)
            #expect(refund.status == 201 && refund.string("status") == "succeeded", "\(refund.text)")
            let over = try await stack.refund(id, id: "hx-r-over", amount: 10346)
            #expect(over.status == 422 && over.errorCode == "refund_exceeds_remaining", "\(over.text)")
            let rest = try await stack.refund(id, id: "hx-r-2", amount: 10345)
            #expect(rest.status == 201 && rest.string("status") == "succeeded", "\(rest.text)")
            record = try await stack.bankRecord()
            #expect(record.refunds.filter { $0.payment_transaction_id == id }.map(\.amount).sorted() == [2000, 10345])

            // 2001 and 2002 reached the gateway, were verified by the plugin and acknowledged with its signed
            // 000000 reply (the simulator checks it with the merchant's registered key).
            try await waitFor("notifications delivered") {
                let notes = try await stack.bankRecord().notifications
                return notes.count >= 3 && notes.allSatisfy { $0.delivered && $0.http_status == 200 }
            }
        }
    }

    @Test("processing and busy are pending; recovery's query resolves processing; a bad signature is pending, then resolved")
    func pendingResolvedByQuery() async throws {
        // Notifications go nowhere (the discard port): only queries resolve anything here.
        try await BankStack.with(
            HaixiStack.setup, label: "haixi-pending", simulatorArguments: ["--processing-delay-ms", "1000"],
            gatewayArguments: Self.recovery, publicURL: "http://127.0.0.1:9"
        ) { stack in
            let processing = try await stack.pay("hx-proc-1", amount: 800, subject: "Wait [sim:processing]")
            #expect(processing.string("status") == "pending", "\(processing.text)")
            #expect(processing.string("bank_code") == "100001")
            let processingId = try #require(processing.string("id"))
            let forged = try await stack.pay("hx-badsig-1", amount: 900, subject: "[sim:bad-signature]")
            #expect(forged.string("status") == "pending", "\(forged.text)")
            let forgedId = try #require(forged.string("id"))
            let busy = try await stack.pay("hx-busy-1", amount: 600, subject: "Busy [sim:busy]")
            #expect(busy.string("status") == "pending", "\(busy.text)")
            #expect(busy.string("bank_code") == "999999")

            let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
            try await waitFor("processing resolved by query") { try await ledger.paymentStatus(processingId) == "succeeded" }
            try await waitFor("the unverifiable answer resolved by query") { try await ledger.paymentStatus(forgedId) == "succeeded" }
        }
    }

    @Test("a timeout and a malformed answer are pending, never declined, then resolved by query; busy is declined only after the 5-minute TxTime rule")
    func timeoutAndFinality() async throws {
        try await BankStack.with(
            HaixiStack.setup, label: "haixi-timeout", simulatorArguments: ["--timeout-delay-ms", "3000"],
            gatewayArguments: Self.recovery, requestTimeoutMs: 1000, publicURL: "http://127.0.0.1:9"
        ) { stack in
            let slow = try await stack.pay("hx-timeout-1", amount: 700, subject: "Slow [sim:timeout]")
            #expect(slow.string("status") == "pending", "a timeout is never a decline: \(slow.text)")
            let malformed = try await stack.pay("hx-malformed-1", amount: 701, subject: "Odd [sim:malformed]")
            #expect(malformed.string("status") == "pending", "\(malformed.text)")
            let busy = try await stack.pay("hx-busy-2", amount: 600, subject: "Busy [sim:busy]")
            #expect(busy.string("status") == "pending" && busy.string("bank_code") == "999999", "\(busy.text)")
            let busyId = try #require(busy.string("id"))
            let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
            for answer in [slow, malformed] {
                let id = try #require(answer.string("id"))
                try await waitFor("resolved by query") { try await ledger.paymentStatus(id) == "succeeded" }
                #expect(try await stack.bankRecord().payments.filter { $0.transaction_id == id }.count == 1)
            }
            // 300004 within the finality window proves nothing: still pending.
            try await waitFor("busy queried") {
                try await stack.bankRecord().requests.contains { $0.operation == "query" && $0.code == "300004" }
            }
            #expect(try await ledger.paymentStatus(busyId) == "pending")
            // Seven minutes on (gateway and bank clocks together): past the 5-minute rule and its skew.
            let shift: Int64 = 7 * 60_000
            try await stack.moveSimulatorClock(to: shift)
            try await stack.restartGateway(
                extraArguments: Self.recovery + ["--clock-offset-ms=\(shift)", "--channel-clock-offset-ms=\(shift)"])
            try await waitFor("busy declined after the finality window") { try await ledger.paymentStatus(busyId) == "declined" }
            #expect(try await ledger.transitions(of: busyId).last?.cause == "recovery: not found after the finality window")
        }
    }

    @Test("a forged 2001 is refused with a 4xx and changes nothing; the genuine one gets the signed 000000 reply and resolves the payment")
    func notifications() async throws {
        try await BankStack.with(
            HaixiStack.setup, label: "haixi-notify", simulatorArguments: ["--processing-delay-ms", "120000"],
            gatewayArguments: ["--no-recovery"], publicURL: "http://127.0.0.1:9"
        ) { stack in
            let paid = try await stack.pay("hx-notify-1", amount: 1234, subject: "Tea [sim:processing]")
            #expect(paid.string("status") == "pending", "\(paid.text)")
            let id = try #require(paid.string("id"))
            let bankSerial = try #require(try await stack.bankRecord().payments.first { $0.transaction_id == id }?.bank_transaction_id)
            let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
            let url = stack.gateway.merchant("/v1/notify/haixi")
            let headers = ["Content-Type": "text/xml; charset=UTF-8"]
            let message = HaixiMessage(
                head: [("TxCode", "2001"), ("MerId", HaixiStack.merchantId), ("TxTime", HaixiTime.format(Date())), ("SerialNo", id)],
                body: [
                    ("TxType", "PAY"), ("BankSerialNo", bankSerial), ("TxStatus", "00"), ("Amount", "1234"),
                    ("FinishTime", HaixiTime.format(Date())),
                ])
            let bank = try HaixiSigner(privateKeyPEM: String(contentsOf: HaixiStack.keys.appendingPathComponent("bank.pem"), encoding: .utf8))
            let merchant = try HaixiSigner(
                privateKeyPEM: String(contentsOf: HaixiStack.keys.appendingPathComponent("merchant.pem"), encoding: .utf8))

            // Signed with another key (the merchant's own), or tampered after signing: refused, nothing changes.
            let wrongKey = try message.encoded(signedBy: merchant)
            let tampered = String(decoding: try message.encoded(signedBy: bank), as: UTF8.self)
                .replacingOccurrences(of: "<Amount>1234</Amount>", with: "<Amount>9999</Amount>")
            for body in [Data(wrongKey), Data(tampered.utf8)] {
                let answer = try await TestHTTP.post(url, body: body, headers: headers, signed: false)
                #expect((400..<500).contains(answer.status), "\(answer.status) \(answer.text)")
                #expect(try await ledger.paymentStatus(id) == "pending")
            }

            // The genuine one: a signed reply (our key) echoing the Head with 000000 and an empty Body.
            let genuine = try await TestHTTP.post(url, body: Data(try message.encoded(signedBy: bank)), headers: headers, signed: false)
            #expect(genuine.status == 200, "\(genuine.status) \(genuine.text)")
            let reply = Array(genuine.body)
            let envelope = try HaixiEnvelope.parse(reply).get()
            let verifier = try HaixiVerifier(
                publicKeyPEM: String(contentsOf: HaixiStack.keys.appendingPathComponent("merchant.pub"), encoding: .utf8))
            #expect(verifier.isValid(signature: envelope.signature, over: reply[envelope.signedRange]))
            #expect(envelope.head("TxCode", in: reply) == "2001" && envelope.head("SerialNo", in: reply) == id)
            #expect(envelope.head("RespCode", in: reply) == "000000" && envelope.head("RespMsg", in: reply) == "OK")
            #expect(genuine.text.contains("<Body></Body>"), "\(genuine.text)")
            #expect(try await ledger.paymentStatus(id) == "succeeded")
            #expect(try await ledger.transitions(of: id).last?.cause == "bank notification")
        }
    }
}
