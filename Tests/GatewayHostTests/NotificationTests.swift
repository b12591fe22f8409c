import Foundation
import Testing

/// Bank notifications (`POST /v1/notify/{channel}`) against the real gateway, plugin and simulator, with the
/// recovery worker switched off so that only a notification can resolve an open payment. The ledger is read
/// directly from its SQLite file before and after.
@Suite("Bank notifications through the Jiangnan plugin")
struct NotificationTests {
    static let m1 = ["X-Merchant-Id": "m1"]

    @Test("the test's own bank signer reproduces the Jiangnan document's test vector")
    func signerMatchesSpec() {
        let body = Data(
            #"{"out_trade_no":"pay_01J0000000000000000000000","amount":12345,"currency":"CNY","subject":"order 42","notify_url":"http://127.0.0.1:8080/v1/notify/jiangnan"}"#
                .utf8)
        #expect(
            JiangnanNotificationBuilder.signature(
                secret: "jn-demo-secret-0001", method: "POST", target: "/api/v1/pay", timestamp: "1764057600000",
                nonce: "n-7f3a9c", body: body) == "0643edc17839b1d7e6f8db53dfb432d4993f877d7837f952162168612fa433a8")
    }

    @Test("a valid notification resolves a pending payment; duplicate and out-of-order ones change nothing")
    func validDuplicateOutOfOrder() async throws {
        try await JiangnanStack.with(
            "notify-valid", simulatorArguments: ["--processing-delay-ms", "1000"], gatewayArguments: ["--no-recovery"]
        ) { stack in
            await recordingLog(stack.gateway.readLog()) {
                let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
                let notifyURL = stack.gateway.merchant("/v1/notify/jiangnan")
                let bank = JiangnanNotificationBuilder()

                // PROCESSING at the bank → pending; only the bank's own notification can resolve it here.
                let paid = try await stack.pay([
                    "merchant_order_id": "notify-\(UUID().uuidString.prefix(8))", "amount": 880, "currency": "CNY",
                    "subject": "Tea [sim:processing]", "channel": "jiangnan",
                ])
                #expect(paid.status == 201, "\(paid.text)")
                #expect(paid.string("status") == "pending", "\(paid.text)")
                let id = try #require(paid.string("id"))
                let final = try await MerchantAPI.waitUntilFinal(stack.gateway.merchant("/v1/payments/\(id)"))
                #expect(final.status == "succeeded")
                let history = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(id)/history"), headers: Self.m1)
                #expect(history.status == 200, "\(history.text)")
                let entries = history.json["data"] as? [[String: Any]] ?? []
                #expect(entries.first?["cause"] as? String == "accepted", "\(history.text)")
                #expect(entries.last?["to"] as? String == "succeeded", "\(history.text)")
                #expect(entries.last?["cause"] as? String == "bank notification", "\(history.text)")
                #expect(
                    try await ledger.transitions(of: id).map(\.cause) == ["accepted", "pay answer", "bank notification"])

                // The bank's own delivery was acknowledged, so nothing of its is still on the way.
                try await waitFor("the bank's notification acknowledged") {
                    try await stack.bankRecord().notifications.contains { $0.id == id && $0.delivered }
                }
                let charge = try #require(try await stack.bankRecord().payments.first { $0.out_trade_no == id })
                #expect(charge.status == "SUCCESS")
                let success = JiangnanNotificationBuilder.TradeData(
                    out_trade_no: id, trade_no: charge.trade_no, status: "SUCCESS", amount: charge.amount,
                    finished_at: charge.finished_at)
                let before = try await ledger.snapshot()
                let paymentRow = try await ledger.paymentRow(id)

                // The same notification again (signed afresh, as the bank does), and the very same bytes twice:
                // acknowledged as the document requires (HTTP 200, JSON code 0000), nothing changes.
                let again = bank.signed(JiangnanNotificationBuilder.tradeFinished(success))
                for attempt in 1...2 {
                    let answer = try await TestHTTP.post(notifyURL, body: again.body, headers: again.headers)
                    Self.expectAcknowledged(answer, "duplicate #\(attempt)")
                }
                let fresh = bank.signed(JiangnanNotificationBuilder.tradeFinished(success))
                Self.expectAcknowledged(
                    try await TestHTTP.post(notifyURL, body: fresh.body, headers: fresh.headers), "duplicate signed afresh")

                // Out of order: a FAILED and a PROCESSING notification for the payment that already succeeded.
                var failed = success
                (failed.status, failed.fail_code, failed.fail_msg) = ("FAILED", "2001", "insufficient funds")
                var processing = success
                (processing.status, processing.finished_at) = ("PROCESSING", "")
                for (name, data) in [("FAILED after SUCCESS", failed), ("PROCESSING after SUCCESS", processing)] {
                    let message = bank.signed(JiangnanNotificationBuilder.tradeFinished(data))
                    Self.expectAcknowledged(try await TestHTTP.post(notifyURL, body: message.body, headers: message.headers), name)
                }

                let afterRepeats = try await ledger.snapshot()
                #expect(afterRepeats == before, "the ledger changed:\n\(afterRepeats.changes(since: before))")
                #expect(try await ledger.paymentRow(id) == paymentRow, "the succeeded payment's row changed")
                #expect(try await ledger.transitions(of: id).count == 3)

                // A SUCCESS for a payment the bank declined.
                let declined = try await stack.pay([
                    "merchant_order_id": "notify-declined-\(UUID().uuidString.prefix(8))", "amount": 990, "currency": "CNY",
                    "subject": "Gift [sim:insufficient-funds]", "channel": "jiangnan",
                ])
                #expect(declined.string("status") == "declined", "\(declined.text)")
                let declinedId = try #require(declined.string("id"))
                let refusal = try #require(try await stack.bankRecord().payments.first { $0.out_trade_no == declinedId })
                try await waitFor("the decline's notification acknowledged") {
                    try await stack.bankRecord().notifications.contains { $0.id == declinedId && $0.delivered }
                }
                let beforeLate = try await ledger.snapshot()
                let late = bank.signed(
                    JiangnanNotificationBuilder.tradeFinished(
                        .init(
                            out_trade_no: declinedId, trade_no: refusal.trade_no, status: "SUCCESS", amount: refusal.amount,
                            finished_at: refusal.finished_at)))
                Self.expectAcknowledged(
                    try await TestHTTP.post(notifyURL, body: late.body, headers: late.headers), "SUCCESS after FAILED")
                let afterLate = try await ledger.snapshot()
                #expect(afterLate == beforeLate, "the ledger changed:\n\(afterLate.changes(since: beforeLate))")
                #expect(try await ledger.paymentStatus(declinedId) == "declined")
                let shown = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(declinedId)"), headers: Self.m1)
                #expect(shown.string("status") == "declined", "\(shown.text)")
            }
        }
    }

    @Test("forged notifications are refused with a 4xx and change nothing; the bank's genuine one still resolves")
    func forgedNotifications() async throws {
        // The bank keeps the payment PROCESSING long enough for every forgery to reach a payment that is still
        // pending, where an accepted forgery would show.
        try await JiangnanStack.with(
            "notify-forged", simulatorArguments: ["--processing-delay-ms", "120000"], gatewayArguments: ["--no-recovery"]
        ) { stack in
            await recordingLog(stack.gateway.readLog()) {
                let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
                let notifyURL = stack.gateway.merchant("/v1/notify/jiangnan")
                let amount: Int64 = 770
                let paid = try await stack.pay([
                    "merchant_order_id": "forged-\(UUID().uuidString.prefix(8))", "amount": amount, "currency": "CNY",
                    "subject": "Tea [sim:processing]", "channel": "jiangnan",
                ])
                #expect(paid.string("status") == "pending", "\(paid.text)")
                let id = try #require(paid.string("id"))
                let tradeNo = try #require(try await stack.bankRecord().payments.first { $0.out_trade_no == id }?.trade_no)
                let success = JiangnanNotificationBuilder.TradeData(
                    out_trade_no: id, trade_no: tradeNo, status: "SUCCESS", amount: amount,
                    finished_at: "2026-11-25T16:00:01+08:00")
                let body = JiangnanNotificationBuilder.tradeFinished(success)
                let bank = JiangnanNotificationBuilder()
                let before = try await ledger.snapshot()

                var wrongSecret = bank
                wrongSecret.secret = "not-the-bank-secret-0001"
                var wrongTarget = bank
                wrongTarget.target = "/v1/notify/other"
                var otherMerchant = bank
                otherMerchant.merchantNo = "JN8800099"
                var tampered = bank.signed(body)
                tampered.body = Data(
                    String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\"amount\":\(amount)", with: "\"amount\":1")
                        .utf8)
                #expect(tampered.body != body, "the amount was not found in \(String(decoding: body, as: UTF8.self))")
                var tamperedStatus = bank.signed(JiangnanNotificationBuilder.tradeFinished(success))
                var failedData = success
                failedData.status = "FAILED"
                tamperedStatus.body = JiangnanNotificationBuilder.tradeFinished(failedData)
                var unsigned = bank.signed(body)
                unsigned.headers["X-JN-Signature"] = nil
                var badSignature = bank.signed(body)
                badSignature.headers["X-JN-Signature"] = String(repeating: "0", count: 64)
                let tenMinutesAgo = Int64((Date().timeIntervalSince1970 - 600) * 1000)
                let tenMinutesAhead = Int64((Date().timeIntervalSince1970 + 600) * 1000)
                let forgeries: [(String, JiangnanNotificationBuilder.Message)] = [
                    ("signed with the wrong secret", wrongSecret.signed(body)),
                    ("amount tampered after signing", tampered),
                    ("status tampered after signing", tamperedStatus),
                    ("no signature", unsigned),
                    ("a made-up signature", badSignature),
                    ("signed for another target", wrongTarget.signed(body)),
                    ("another merchant number", otherMerchant.signed(body)),
                    ("a correctly signed copy ten minutes old", bank.signed(body, timestampMs: tenMinutesAgo)),
                    ("a correctly signed copy ten minutes ahead", bank.signed(body, timestampMs: tenMinutesAhead)),
                    ("a nonce too short", bank.signed(body, nonce: "n-1")),
                ]
                for (name, message) in forgeries {
                    let answer = try await TestHTTP.post(notifyURL, body: message.body, headers: message.headers)
                    #expect((400..<500).contains(answer.status), "\(name): \(answer.status) \(answer.text)")
                    #expect(answer.errorCode == "invalid_notification", "\(name): \(answer.text)")
                }
                // A notification for an unknown payment, and a validly signed one whose amount differs from the
                // ledger's: neither may move anything.
                var unknown = success
                unknown.out_trade_no = "pay_unknown_\(UUID().uuidString.prefix(8))"
                var wrongAmount = success
                wrongAmount.amount = amount + 1
                for (name, data) in [("unknown payment", unknown), ("amount differing from the ledger", wrongAmount)] {
                    let message = bank.signed(JiangnanNotificationBuilder.tradeFinished(data))
                    let answer = try await TestHTTP.post(notifyURL, body: message.body, headers: message.headers)
                    #expect(answer.status < 500, "\(name): \(answer.status) \(answer.text)")
                }
                let after = try await ledger.snapshot()
                #expect(after == before, "the ledger changed:\n\(after.changes(since: before))")
                #expect(try await ledger.paymentStatus(id) == "pending")

                // A correctly signed notification (the bank's own would come only after its 120 s processing delay)
                // still resolves it: the forgeries left nothing behind that blocks it.
                let genuine = bank.signed(body)
                let accepted = try await TestHTTP.post(notifyURL, body: genuine.body, headers: genuine.headers)
                #expect(accepted.status == 200, "\(accepted.text)")
                let final = try await MerchantAPI.waitUntilFinal(stack.gateway.merchant("/v1/payments/\(id)"), timeout: .seconds(20))
                #expect(final.status == "succeeded")
                #expect(try await ledger.transitions(of: id).last?.cause == "bank notification")
                #expect(!stack.gateway.readLog().contains(SimulatorProcess.secret), "the bank secret is in the gateway log")
            }
        }
    }

    @Test("a notification the bank delivers twice ([sim:dup-notify]) is acknowledged twice and moves nothing")
    func duplicateDelivery() async throws {
        try await JiangnanStack.with("notify-dup", gatewayArguments: ["--no-recovery"]) { stack in
            await recordingLog(stack.gateway.readLog()) {
                let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
                let paid = try await stack.pay([
                    "merchant_order_id": "dup-\(UUID().uuidString.prefix(8))", "amount": 660, "currency": "CNY",
                    "subject": "Tea [sim:dup-notify]", "channel": "jiangnan",
                ])
                #expect(paid.string("status") == "succeeded", "\(paid.text)")
                let id = try #require(paid.string("id"))
                let row = try await ledger.paymentRow(id)
                try await waitFor("two deliveries acknowledged") {
                    try await stack.bankRecord().notifications.filter { $0.id == id && $0.delivered }.count >= 2
                }
                let deliveries = try await stack.bankRecord().notifications.filter { $0.id == id }
                #expect(deliveries.filter(\.delivered).count == 2, "\(deliveries)")
                #expect(deliveries.allSatisfy { $0.http_status == 200 }, "\(deliveries)")
                let transitions = try await ledger.transitions(of: id)
                #expect(transitions.map(\.to) == ["processing", "succeeded"], "\(transitions)")
                #expect(transitions.filter { $0.to == "succeeded" }.count == 1)
                #expect(try await ledger.paymentRow(id) == row, "the payment row changed")
                #expect(try await stack.bankRecord().payments.filter { $0.out_trade_no == id }.count == 1)
            }
        }
    }

    /// HTTP 200 with a JSON body whose `code` is `"0000"`: what the bank counts as delivered.
    static func expectAcknowledged(_ answer: HTTPResult, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.status == 200, "\(name): \(answer.status) \(answer.text)", sourceLocation: sourceLocation)
        #expect(answer.string("code") == "0000", "\(name): \(answer.text)", sourceLocation: sourceLocation)
    }
}
