import AsyncHTTPClient
import Foundation
import MerchantAuth
import NIOCore

/// `POST /v1/payments` to the gateway, signed with the merchant's secret (X-Merchant-Id, X-Timestamp, X-Nonce,
/// X-Signature; a fresh nonce each time). Success is any HTTP 2xx (201 created, 200 replayed).
struct GatewayRequestFactory: LoadRequestFactory {
    static let path = "/v1/payments"

    let url: String
    let signer: MerchantRequestSigner
    let amount: Int64
    let channel: String

    init(baseURL: String, signer: MerchantRequestSigner, amount: Int64, channel: String = "jiangnan") {
        url = baseURL + Self.path
        self.signer = signer
        self.amount = amount
        self.channel = channel
    }

    /// The request body; order ids and channel ids need no JSON escaping (`[A-Za-z0-9_-]`).
    func body(orderId: String) -> [UInt8] {
        let fields = #""merchant_order_id":"\#(orderId)","amount":\#(amount),"currency":"CNY","#
            + #""subject":"load","channel":"\#(channel)""#
        return Array("{\(fields)}".utf8)
    }

    func request(orderId: String) -> HTTPClientRequest {
        let body = body(orderId: orderId)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for header in signer.headers(method: "POST", target: Self.path, body: body) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    func outcome(status: UInt, body: ByteBuffer) -> RequestOutcome {
        guard (200..<300).contains(status) else { return .failure(kind: "http_\(status)") }
        struct Payment: Decodable { var status: String? }
        let payment = try? JSONDecoder().decode(Payment.self, from: Data(body.readableBytesView))
        return .success(detail: payment?.status ?? "unknown")
    }
}
