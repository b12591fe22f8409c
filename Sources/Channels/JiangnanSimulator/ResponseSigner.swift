import SimulatorSupport
import Foundation
import HTTPTypes
import Hummingbird
import JiangnanProtocol

/// Encodes bank answers and signs them with METHOD `RESP` and the request's TARGET.
struct ResponseSigner: Sendable {
    let clock: SimulatorClock

    /// The HTTP response for a reply; unsigned when `signer` is `nil` (unknown merchant number).
    func response(for reply: BankReply, target: String, signer: JiangnanSigner?) -> Response {
        let (body, contentType) = Self.payload(of: reply)
        return response(body: body, contentType: contentType, target: target, signer: signer)
    }

    /// An HTTP 200 response with `body`, signed unless `signer` is `nil`.
    func response(body: Data, contentType: String, target: String, signer: JiangnanSigner?) -> Response {
        var headers = signer.map { signatureHeaders(body: body, target: target, signer: $0) } ?? HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The encoded body of a reply and its content type.
    static func payload(of reply: BankReply) -> (body: Data, contentType: String) {
        switch reply.payload {
        case .statement(let csv):
            return (Data(csv.utf8), "text/csv")
        case .none:
            return (envelope(reply, data: nil as JiangnanEmpty?), "application/json")
        case .trade(let data):
            return (envelope(reply, data: data), "application/json")
        case .refund(let data):
            return (envelope(reply, data: data), "application/json")
        }
    }

    private static func envelope<Payload: Codable & Sendable>(_ reply: BankReply, data: Payload?) -> Data {
        encode(JiangnanEnvelope(code: reply.code, msg: message(reply.code), data: data))
    }

    /// `X-JN-Timestamp`, `X-JN-Nonce` and `X-JN-Signature` for an answer: METHOD `RESP`, the request's TARGET,
    /// the simulator clock's time and `nonce` (fresh unless given, as test vector 2 needs).
    func signatureHeaders(
        body: Data, target: String, signer: JiangnanSigner, nonce: String = Self.freshNonce(prefix: "r-")
    ) -> HTTPFields {
        let timestamp = String(clock.nowMilliseconds)
        var headers = HTTPFields()
        headers[HeaderName.timestamp] = timestamp
        headers[HeaderName.nonce] = nonce
        headers[HeaderName.signature] = signer.signature(
            method: "RESP", target: target, timestamp: timestamp, nonce: nonce, body: body)
        return headers
    }

    /// A random nonce of `[A-Za-z0-9-]`, 26 characters with the default prefix.
    static func freshNonce(prefix: String) -> String {
        let digits = Array("0123456789abcdef")
        return prefix + String((0..<24).map { _ in digits[Int.random(in: 0..<16)] })
    }

    private static func message(_ code: String) -> String {
        JiangnanCode.message(for: code)
    }

    private static func encode<Value: Encodable>(_ value: Value) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs cannot fail.
        return (try? encoder.encode(value)) ?? Data(#"{"code":"9999","msg":"system error","data":{}}"#.utf8)
    }
}
