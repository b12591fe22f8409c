import AsyncHTTPClient
import Foundation
import JiangnanProtocol
import NIOCore

/// `POST /api/v1/pay` straight to the bank (simulator), signed as the Jiangnan channel plugin signs it: the
/// body written by `JiangnanPayBody.jsonData`, headers X-JN-MerchantNo, X-JN-Timestamp (Unix ms), X-JN-Nonce
/// (`n-` and 24 hex digits, fresh each time) and X-JN-Signature from `JiangnanSigner`. Success is HTTP 200 with
/// code `0000`. The response signature is not verified: this measures the bank, it does not trust it.
struct JiangnanRequestFactory: LoadRequestFactory {
    let url: String
    let merchantNo: String
    let signer: JiangnanSigner
    let amount: Int64
    let notifyURL: String
    let subject: String

    init(
        baseURL: String, merchantNo: String, secret: String, amount: Int64, notifyURL: String, subject: String = "load"
    ) {
        url = baseURL + JiangnanRules.payPath
        self.merchantNo = merchantNo
        signer = JiangnanSigner(secret: secret)
        self.amount = amount
        self.notifyURL = notifyURL
        self.subject = subject
    }

    /// The exact body bytes that are signed and sent.
    func body(orderId: String) -> Data {
        JiangnanPayBody(out_trade_no: orderId, amount: amount, currency: "CNY", subject: subject, notify_url: notifyURL)
            .jsonData
    }

    /// The four protocol headers for one body.
    func headers(body: Data, timestampMs: Int64, nonce: String) -> [(name: String, value: String)] {
        let timestamp = String(timestampMs)
        let signature = signer.signature(
            method: "POST", target: JiangnanRules.payPath, timestamp: timestamp, nonce: nonce, body: body)
        return [
            (JiangnanHeaders.merchantNo, merchantNo), (JiangnanHeaders.timestamp, timestamp),
            (JiangnanHeaders.nonce, nonce), (JiangnanHeaders.signature, signature),
        ]
    }

    func request(orderId: String) -> HTTPClientRequest {
        let body = body(orderId: orderId)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for header in headers(body: body, timestampMs: Self.nowMs(), nonce: "n-" + RandomHex.digits(24)) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    func outcome(status: UInt, body: ByteBuffer) -> RequestOutcome {
        guard status == 200 else { return .failure(kind: "http_\(status)") }
        struct Answer: Decodable {
            struct Trade: Decodable { var status: String? }
            var code: String
            var data: Trade?
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(body.readableBytesView)) else {
            return .failure(kind: "bad_body")
        }
        guard answer.code == JiangnanCode.ok else { return .failure(kind: "code_\(answer.code)") }
        return .success(detail: answer.data?.status ?? "unknown")
    }

    static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
