import Foundation
import JiangnanProtocol
import Testing

/// The three test vectors of the interface document, reproduced with the protocol's signer.
@Suite struct JiangnanSignerTests {
    let signer = JiangnanSigner(secret: "jn-demo-secret-0001")
    let vector1Body = Data(
        #"{"out_trade_no":"pay_01J0000000000000000000000","amount":12345,"currency":"CNY","subject":"order 42","notify_url":"http://127.0.0.1:8080/v1/notify/jiangnan"}"#
            .utf8)
    let vector2Body = Data(
        #"{"code":"0000","msg":"ok","data":{"out_trade_no":"pay_01J0000000000000000000000","trade_no":"JN000000000000000001","status":"SUCCESS","amount":12345,"finished_at":"2026-11-25T16:00:01+08:00"}}"#
            .utf8)

    @Test func vector1Request() {
        #expect(JiangnanSigner.bodyHash(vector1Body) == "1e08587b38213b5f6503067aa580eff96bc76e0cccf8e77b106417705cb21c9c")
        let signature = signer.signature(
            method: "POST", target: "/api/v1/pay", timestamp: "1764057600000", nonce: "n-7f3a9c", body: vector1Body)
        #expect(signature == "0643edc17839b1d7e6f8db53dfb432d4993f877d7837f952162168612fa433a8")
        #expect(
            signer.isValid(
                signature, method: "POST", target: "/api/v1/pay", timestamp: "1764057600000", nonce: "n-7f3a9c",
                body: vector1Body))
    }

    @Test func vector1BodyIsWrittenByTheCanonicalEncoder() {
        let body = JiangnanPayBody(
            out_trade_no: "pay_01J0000000000000000000000", amount: 12345, currency: "CNY", subject: "order 42",
            notify_url: "http://127.0.0.1:8080/v1/notify/jiangnan")
        #expect(body.jsonData == vector1Body)
    }

    @Test func vector2Response() {
        let signature = signer.signature(
            method: "RESP", target: "/api/v1/pay", timestamp: "1764057601000", nonce: "r-91c2d0", body: vector2Body)
        #expect(signature == "f1d410ab77006354fd5d117c928a64b9df3b1817695fa24f6d9baba49f4148fe")
        // The body-hash variant gives the same signature.
        #expect(
            signer.signature(
                method: "RESP", target: "/api/v1/pay", timestamp: "1764057601000", nonce: "r-91c2d0",
                bodyHash: JiangnanSigner.bodyHash(vector2Body)) == signature)
    }

    @Test func vector3Statement() {
        #expect(JiangnanSigner.bodyHash(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let signature = signer.signature(
            method: "GET", target: "/api/v1/statement?date=20261124", timestamp: "1764118800000", nonce: "n-0b77e1",
            body: Data())
        #expect(signature == "a83ad2ecc3037d01401dd307488208fc16bc83f7c70d978942251d8036e371db")
    }

    @Test func tamperedMessagesDoNotVerify() {
        let good = "0643edc17839b1d7e6f8db53dfb432d4993f877d7837f952162168612fa433a8"
        #expect(
            !signer.isValid(
                good, method: "POST", target: "/api/v1/pay", timestamp: "1764057600001", nonce: "n-7f3a9c",
                body: vector1Body))
        #expect(
            !JiangnanSigner(secret: "other").isValid(
                good, method: "POST", target: "/api/v1/pay", timestamp: "1764057600000", nonce: "n-7f3a9c",
                body: vector1Body))
        #expect(
            !signer.isValid(
                good.uppercased(), method: "POST", target: "/api/v1/pay", timestamp: "1764057600000",
                nonce: "n-7f3a9c", body: vector1Body))
    }

    @Test func fileBodyHashMatchesInMemoryHash() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("jn-hash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let data = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try data.write(to: url)
        #expect(try JiangnanSigner.bodyHash(ofFileAt: url, chunkSize: 4096) == JiangnanSigner.bodyHash(data))
    }

    @Test func timeParsing() {
        let date = JiangnanTime.parse("2026-11-25T16:00:01+08:00")
        #expect(date == Date(timeIntervalSince1970: 1_795_593_601))
        #expect(JiangnanTime.parse("2024-02-29T23:59:59+08:00") != nil)
        #expect(JiangnanTime.parse("2025-02-29T00:00:00+08:00") == nil)
        #expect(JiangnanTime.parse("2025-01-01T24:00:00+08:00") == nil)
        #expect(JiangnanTime.parse("2025-01-01T00:00:00+09:00") == nil)
        #expect(JiangnanTime.parse("2025-01-01 00:00:00+08:00") == nil)
        #expect(JiangnanTime.parse("") == nil)
        if let date { #expect(JiangnanTime.format(date) == "2026-11-25T16:00:01+08:00") }
    }
}
