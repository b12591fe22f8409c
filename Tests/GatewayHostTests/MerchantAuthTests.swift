import Foundation
import MerchantAuth
import Testing

/// Merchant request authentication against the real gateway: every forged, replayed, stale or tampered
/// request is a 401 with its own code, and the ledger — payments, refunds, transitions, webhook events and
/// merchant nonces, read directly from SQLite — holds exactly what the valid requests did and nothing else.
@Suite("Merchant request authentication against a real gateway")
struct MerchantAuthTests {
    /// One request as sent on the wire; `signed: false` so that `TestHTTP` adds nothing.
    struct Attempt {
        var name: String
        var method = "POST"
        var url: URL
        var body: Data?
        var headers: [String: String]
        var code: String
    }

    static let m1Secret = TestMerchants.secrets["m1"]!

    @Test("forged, replayed, stale and tampered requests are 401 with their code; only valid requests change the ledger")
    func forgedRequestsChangeNothing() async throws {
        try await JiangnanStack.with("merchant-auth", gatewayArguments: ["--log-level", "trace"]) { stack in
            await recordingLog(stack.gateway.readLog()) {
                let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
                let payURL = stack.gateway.merchant("/v1/payments")
                var responses: [HTTPResult] = []
                func send(_ method: String, _ url: URL, _ body: Data?, _ headers: [String: String]) async throws -> HTTPResult {
                    let answer = try await TestHTTP.send(method, url, body: body, headers: headers, signed: false)
                    responses.append(answer)
                    return answer
                }
                let start = try await ledger.snapshot()
                let bankPaysAtStart = try await Self.payRequests(stack)

                // Valid: a correctly signed payment, then a correctly signed lookup by merchant order id.
                let order = "auth-\(UUID().uuidString.prefix(8))"
                let body = Self.payBody(order, amount: 1200)
                let signed = Self.headers(method: "POST", target: "/v1/payments", body: body)
                let created = try await send("POST", payURL, body, signed)
                #expect(created.status == 201, "\(created.text)")
                #expect(created.string("status") == "succeeded", "\(created.text)")
                let paymentId = try #require(created.string("id"))
                let lookupTarget = "/v1/payments?merchant_order_id=\(order)"
                let lookupURL = stack.gateway.merchant(lookupTarget)
                let lookup = try await send("GET", lookupURL, nil, Self.headers(method: "GET", target: lookupTarget, body: Data()))
                #expect(lookup.status == 200 && lookup.string("id") == paymentId, "\(lookup.text)")
                let afterValid = try await ledger.snapshot()
                #expect(afterValid.count("payments") == start.count("payments") + 1)
                #expect(afterValid.count("merchant_nonces") == start.count("merchant_nonces") + 2, "one nonce per valid request")
                #expect(afterValid.rows("merchant_nonces").contains { $0.contains(signed["X-Nonce"]!) })

                // Invalid: each would create a payment, a refund or read one if it were let through.
                var attempts: [Attempt] = []
                func attempt(_ name: String, _ code: String, method: String = "POST", url: URL? = nil, body: Data? = nil,
                    headers: [String: String])
                {
                    attempts.append(
                        Attempt(
                            name: name, method: method, url: url ?? payURL,
                            body: method == "GET" ? nil : (body ?? Self.payBody("forged-\(UUID().uuidString.prefix(8))")),
                            headers: headers, code: code))
                }
                func fresh(_ body: Data, method: String = "POST", target: String = "/v1/payments", merchant: String = "m1",
                    secret: String = Self.m1Secret, timestampMs: Int64 = MerchantRequestSigner.nowMs(),
                    nonce: String = MerchantRequestSigner.randomNonce()) -> [String: String]
                {
                    Self.headers(method: method, target: target, body: body, merchant: merchant, secret: secret, timestampMs: timestampMs, nonce: nonce)
                }
                let forgedBody = Self.payBody("forged-\(UUID().uuidString.prefix(8))")
                var wrongSignature = fresh(forgedBody)
                let refusedNonce = wrongSignature["X-Nonce"]!
                wrongSignature["X-Signature"] = String(repeating: "ab", count: 32)
                attempt("a made-up signature", "invalid_signature", body: forgedBody, headers: wrongSignature)
                attempt("signed with a wrong secret", "invalid_signature", headers: fresh(forgedBody, secret: "wrong-secret-0000"))
                attempt("signed with m2's secret as m1", "invalid_signature",
                    headers: fresh(forgedBody, secret: TestMerchants.secrets["m2"]!))
                attempt("signature over another merchant id", "invalid_signature",
                    headers: fresh(forgedBody).merging(["X-Merchant-Id": "m2"]) { $1 })
                attempt("an unknown merchant", "unknown_merchant", headers: fresh(forgedBody, merchant: "m9", secret: "whatever-secret"))
                for name in ["X-Merchant-Id", "X-Timestamp", "X-Nonce", "X-Signature"] {
                    var headers = fresh(forgedBody)
                    headers[name] = nil
                    attempt("missing \(name)", "authentication_required", body: forgedBody, headers: headers)
                }
                attempt("no authentication headers at all", "authentication_required", headers: [:])
                for (what, nonce) in [
                    ("7 characters", "abc1234"), ("an underscore", "nonce_with_underscore"), ("65 characters", String(repeating: "a", count: 65)),
                    ("a slash", "nonce/12345678"),
                ] {
                    attempt("a nonce with \(what)", "invalid_nonce", body: forgedBody, headers: fresh(forgedBody, nonce: nonce))
                }
                var textTimestamp = fresh(forgedBody)
                textTimestamp["X-Timestamp"] = "17640576x0000"
                attempt("a timestamp that is not a number", "invalid_timestamp", body: forgedBody, headers: textTimestamp)
                let now = MerchantRequestSigner.nowMs()
                attempt("a timestamp 6 minutes old", "stale_timestamp", body: forgedBody, headers: fresh(forgedBody, timestampMs: now - 360_000))
                attempt("a timestamp 6 minutes ahead", "stale_timestamp", body: forgedBody, headers: fresh(forgedBody, timestampMs: now + 360_000))
                // The first valid request exactly again, and its nonce under a new valid signature.
                attempt("the valid payment request replayed byte for byte", "replayed_nonce", body: body, headers: signed)
                let otherBody = Self.payBody("replay-\(UUID().uuidString.prefix(8))")
                attempt("a used nonce under a new valid signature", "replayed_nonce", body: otherBody,
                    headers: fresh(otherBody, nonce: signed["X-Nonce"]!))
                // Tampering after signing: the body, the query string, the path, the method.
                let tamperedBody = Self.payBody(order + "-x", amount: 1)
                attempt("a body tampered after signing", "invalid_signature", body: tamperedBody,
                    headers: fresh(Self.payBody(order + "-x", amount: 1200)))
                let strangerTarget = "/v1/payments?merchant_order_id=someone-else"
                attempt("a query string tampered after signing", "invalid_signature", method: "GET", url: lookupURL,
                    headers: fresh(Data(), method: "GET", target: strangerTarget))
                attempt("a path tampered after signing", "invalid_signature", method: "GET",
                    url: stack.gateway.merchant("/v1/payments/\(paymentId)"),
                    headers: fresh(Data(), method: "GET", target: "/v1/payments/pay_someone_else"))
                attempt("a GET signature used for a POST", "invalid_signature", body: forgedBody,
                    headers: fresh(forgedBody, method: "GET"))
                // A refund of the valid (succeeded) payment, which would go through if it were authenticated.
                let refundTarget = "/v1/payments/\(paymentId)/refunds"
                let refundBody = Data(#"{"merchant_refund_id":"auth-r1","amount":100,"reason":"x"}"#.utf8)
                var forgedRefund = fresh(refundBody, target: refundTarget)
                forgedRefund["X-Signature"] = String(repeating: "0", count: 64)
                attempt("a refund with a made-up signature", "invalid_signature", url: stack.gateway.merchant(refundTarget),
                    body: refundBody, headers: forgedRefund)
                attempt("a refund signed with a wrong secret", "invalid_signature", url: stack.gateway.merchant(refundTarget),
                    body: refundBody, headers: fresh(refundBody, target: refundTarget, secret: "wrong-secret-0000"))

                for item in attempts {
                    let answer = try await send(item.method, item.url, item.body, item.headers)
                    #expect(answer.status == 401, "\(item.name): \(answer.status) \(answer.text)")
                    #expect(answer.errorCode == item.code, "\(item.name): \(answer.text)")
                }
                let afterInvalid = try await ledger.snapshot()
                #expect(afterInvalid == afterValid, "refused requests changed the ledger:\n\(afterInvalid.changes(since: afterValid))")
                #expect(try await Self.payRequests(stack) == bankPaysAtStart + 1, "a refused request reached the bank")

                // A refused request burned no nonce: its nonce still works in a correctly signed request.
                let reuseBody = Self.payBody("auth-reuse-\(UUID().uuidString.prefix(8))", amount: 1300)
                let reused = try await send("POST", payURL, reuseBody, fresh(reuseBody, nonce: refusedNonce))
                #expect(reused.status == 201, "\(reused.text)")
                let end = try await ledger.snapshot()
                #expect(end.count("merchant_nonces") == afterValid.count("merchant_nonces") + 1)
                #expect(end.count("payments") == afterValid.count("payments") + 1)
                #expect(end.count("refunds") == start.count("refunds"))

                // No merchant secret anywhere in the gateway's log or in any answer.
                let log = stack.gateway.readLog()
                for (merchant, secret) in TestMerchants.secrets.merging(["bank": SimulatorProcess.secret], uniquingKeysWith: { $1 }) {
                    #expect(!log.contains(secret), "\(merchant)'s secret is in the gateway log")
                    for answer in responses {
                        #expect(!answer.text.contains(secret), "\(merchant)'s secret is in an answer: \(answer.text)")
                        #expect(!answer.headers.contains { $0.value.contains(secret) }, "\(merchant)'s secret is in a header")
                    }
                }
            }
        }
    }

    // MARK: helpers

    /// A payment request body.
    static func payBody(_ order: String, amount: Int = 100) -> Data {
        try! JSONSerialization.data(
            withJSONObject: ["merchant_order_id": order, "amount": amount, "currency": "CNY", "subject": "Tea", "channel": "jiangnan"],
            options: [.sortedKeys])
    }

    /// The four authentication headers, signed with `secret` as `merchant`.
    static func headers(
        method: String, target: String, body: Data, merchant: String = "m1", secret: String = m1Secret,
        timestampMs: Int64 = MerchantRequestSigner.nowMs(), nonce: String = MerchantRequestSigner.randomNonce()
    ) -> [String: String] {
        let signer = MerchantRequestSigner(merchantId: merchant, secret: secret)
        return Dictionary(
            uniqueKeysWithValues: signer.headers(method: method, target: target, body: body, timestampMs: timestampMs, nonce: nonce)
                .map { ($0.name, $0.value) })
    }

    /// How many pay requests the bank has received.
    static func payRequests(_ stack: JiangnanStack) async throws -> Int {
        try await stack.bankRecord().requests.filter { $0.target == "/api/v1/pay" }.count
    }
}
