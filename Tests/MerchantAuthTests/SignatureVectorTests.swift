import Foundation
import MerchantAuth
import Testing

/// The two test vectors of issue 3, reproduced byte for byte.
struct SignatureVectorTests {
    @Test func requestSignatureVector() {
        let body = #"{"merchant_order_id":"order-1001","amount":12345,"currency":"CNY","subject":"Tea","channel":"jiangnan"}"#
        let signature = MerchantSignature.sign(
            secret: "demo-merchant-secret", method: "POST", target: "/v1/payments", timestamp: "1764057600000",
            nonce: "m-5d1e", body: Data(body.utf8))
        #expect(signature == "8ff64e952aadbbb104d6e781e7d1cd5eb719a325affd15d64d334cfca5456772")
    }

    @Test func signerProducesTheVectorHeaders() {
        let body = #"{"merchant_order_id":"order-1001","amount":12345,"currency":"CNY","subject":"Tea","channel":"jiangnan"}"#
        let headers = MerchantRequestSigner(merchantId: "demo", secret: "demo-merchant-secret").headers(
            method: "POST", target: "/v1/payments", body: Data(body.utf8), timestampMs: 1_764_057_600_000,
            nonce: "m-5d1e")
        let byName = Dictionary(uniqueKeysWithValues: headers.map { ($0.name, $0.value) })
        #expect(byName["X-Merchant-Id"] == "demo")
        #expect(byName["X-Timestamp"] == "1764057600000")
        #expect(byName["X-Nonce"] == "m-5d1e")
        #expect(byName["X-Signature"] == "8ff64e952aadbbb104d6e781e7d1cd5eb719a325affd15d64d334cfca5456772")
    }

    @Test func webhookSignatureVector() {
        let body = #"{"type":"payment.succeeded","payment_id":"pay_1"}"#
        let signature = WebhookSignature.sign(
            secret: "demo-merchant-secret", timestamp: "1764057605000", body: Data(body.utf8))
        #expect(signature == "2accf808af96ba24aa7dc703d2c10e8fc3e4d0cfccf42e495cfcf651ba43ee58")
    }

    @Test func stringToSignHasFiveLines() {
        let text = MerchantSignature.stringToSign(
            method: "GET", target: "/v1/payments?merchant_order_id=a", timestamp: "1", nonce: "abcdefgh",
            body: Data())
        #expect(
            text == "GET\n/v1/payments?merchant_order_id=a\n1\nabcdefgh\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test(arguments: [
        ("abcdefgh", true), ("m-5d1e", false), ("ABC-def-123", true), (String(repeating: "a", count: 64), true),
        (String(repeating: "a", count: 65), false), ("abcd efgh", false), ("abcdefg_", false), ("ééééééééé", false),
    ])
    func nonceShape(nonce: String, valid: Bool) {
        #expect(MerchantSignature.isValidNonce(nonce) == valid)
    }

    @Test func constantTimeCompare() {
        #expect(MerchantSignature.matches("abc", expected: "abc"))
        #expect(!MerchantSignature.matches("abd", expected: "abc"))
        #expect(!MerchantSignature.matches("ab", expected: "abc"))
    }
}
