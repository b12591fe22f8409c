import Foundation
import GRDB
import Testing

/// Every bad merchant input gets its 4xx with a stable code, and the ledger — read directly from the
/// database file before and after — is unchanged.
@Suite("Bad input changes nothing")
struct BadInputTests {
    @Test("each bad-input case returns its 4xx and leaves the database unchanged")
    func badInput() async throws {
        let offline = """
            id: jiangnan-offline
            plugin: jiangnan
            online: false
            endpoint: http://127.0.0.1:9
            currencies: [CNY]
            settings: {merchant_no: JN8800001}
            credentials:
              secret: {env: \(JiangnanStack.secretVariable)}

            """
        try await JiangnanStack.with("bad-input", extraConfigs: ["offline.yaml": offline]) { stack in

            // One good payment so that refund cases have something to hit.
            let paid = try await stack.pay([
                "merchant_order_id": "good-1", "amount": 1000, "currency": "CNY", "subject": "Tea", "channel": "jiangnan",
            ])
            let paymentId = try #require(paid.string("id"))
            let database = try DatabaseQueue(
                path: stack.dataDirectory.appendingPathComponent("ledger.sqlite").path, configuration: readOnly())
            let before = try await snapshot(database)
            let bankBefore = try await stack.bankRecord().requests.count

            let payURL = stack.gateway.merchant("/v1/payments")
            let refundURL = stack.gateway.merchant("/v1/payments/\(paymentId)/refunds")
            let valid: [String: Any] = ["merchant_order_id": "bad-1", "amount": 100, "currency": "CNY", "subject": "Tea", "channel": "jiangnan"]
            func with(_ key: String, _ value: Any?) -> Data {
                var body = valid
                body[key] = value
                return try! JSONSerialization.data(withJSONObject: body)
            }
            let m1 = ["X-Merchant-Id": "m1"]
            let cases: [(String, URL, Data, [String: String], Int, String)] = [
                ("malformed JSON", payURL, Data(#"{"merchant_order_id": "x", "amount": 1"#.utf8), m1, 400, "invalid_json"),
                ("not an object", payURL, Data("[1,2]".utf8), m1, 400, "invalid_request"),
                ("missing amount", payURL, with("amount", nil), m1, 400, "invalid_request"),
                ("missing currency", payURL, with("currency", nil), m1, 400, "invalid_request"),
                ("missing subject", payURL, with("subject", nil), m1, 400, "invalid_request"),
                ("amount as string", payURL, with("amount", "100"), m1, 400, "invalid_request"),
                ("amount fractional", payURL, with("amount", 10.5), m1, 400, "invalid_request"),
                ("zero amount", payURL, with("amount", 0), m1, 422, "invalid_amount"),
                ("negative amount", payURL, with("amount", -5), m1, 422, "invalid_amount"),
                ("amount over the absolute maximum", payURL, with("amount", 100_000_000_000), m1, 422, "amount_too_large"),
                ("amount over the channel maximum", payURL, with("amount", 5_000_001), m1, 422, "amount_too_large"),
                ("unknown currency", payURL, with("currency", "XYZ"), m1, 422, "unknown_currency"),
                ("currency the channel lacks", payURL, with("currency", "USD"), m1, 422, "unsupported_currency"),
                ("unknown channel", payURL, with("channel", "nope"), m1, 422, "unknown_channel"),
                ("offline channel", payURL, with("channel", "jiangnan-offline"), m1, 422, "channel_offline"),
                ("bad order id", payURL, with("merchant_order_id", "has space"), m1, 400, "invalid_request"),
                ("empty subject", payURL, with("subject", ""), m1, 400, "invalid_request"),
                ("bad notify url", payURL, with("notify_url", "ftp://x"), m1, 400, "invalid_request"),
                ("no merchant header", payURL, with("amount", 100), [:], 401, "authentication_required"),
                ("replay with another amount", payURL, try JSONSerialization.data(withJSONObject: [
                    "merchant_order_id": "good-1", "amount": 1001, "currency": "CNY", "subject": "Tea", "channel": "jiangnan",
                ]), m1, 409, "idempotency_conflict"),
                ("refund zero", refundURL, Data(#"{"merchant_refund_id":"r1","amount":0}"#.utf8), m1, 422, "invalid_amount"),
                ("refund over the remaining amount", refundURL, Data(#"{"merchant_refund_id":"r1","amount":1001}"#.utf8), m1, 422, "refund_exceeds_remaining"),
                ("refund missing id", refundURL, Data(#"{"amount":10}"#.utf8), m1, 400, "invalid_request"),
                ("refund of an unknown payment", stack.gateway.merchant("/v1/payments/pay_nope/refunds"), Data(#"{"merchant_refund_id":"r1","amount":10}"#.utf8), m1, 404, "payment_not_found"),
            ]
            for (name, url, body, headers, status, code) in cases {
                let answer = try await TestHTTP.post(url, body: body, headers: headers)
                #expect(answer.status == status, "\(name): \(answer.status) \(answer.text)")
                #expect(answer.errorCode == code, "\(name): \(answer.text)")
                #expect((answer.json["error"] as? [String: Any])?["message"] as? String != nil, "\(name) has a message")
            }
            let after = try await snapshot(database)
            #expect(before == after, "the ledger changed")
            #expect(try await stack.bankRecord().requests.count == bankBefore, "the bank was called")
        }
    }

    /// Every row of every ledger table, as text.
    private func snapshot(_ database: DatabaseQueue) async throws -> [String] {
        try await database.read { db in
            var rows: [String] = []
            for table in ["payments", "refunds", "transitions"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid") {
                    rows.append("\(table): \(row.description)")
                }
            }
            return rows
        }
    }
}
