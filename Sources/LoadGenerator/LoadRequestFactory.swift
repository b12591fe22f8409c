import AsyncHTTPClient
import NIOCore

/// Builds the signed request for each order id and judges the answer. One implementation per `--target`.
protocol LoadRequestFactory: Sendable {
    /// A fresh signed request (new timestamp and nonce) for a payment with this order id.
    func request(orderId: String) -> HTTPClientRequest
    /// Success or the kind of error, from the HTTP status and body of the answer.
    func outcome(status: UInt, body: ByteBuffer) -> RequestOutcome
}
