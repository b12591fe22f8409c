import SimulatorSupport
import Foundation
import HTTPTypes
import Hummingbird
import JiangnanProtocol
import NIOCore
import ServiceLifecycle

/// Sends a reply the way its ``Fault`` says: normally, late, as HTTP 500/503 text, reset without an answer,
/// with a body that is not JSON, or with a wrong signature.
struct FaultResponder: Sendable {
    let signer: ResponseSigner
    /// How long a `timeout` answer is held.
    let timeoutDelayMilliseconds: Int

    /// The response to `reply`; for `reset` the connection is already aborted and the response is never sent.
    func response(
        for reply: BankReply, target: String, signer replySigner: JiangnanSigner?, channel: any Channel
    ) async -> Response {
        let delay = reply.fault == .timeout ? timeoutDelayMilliseconds : reply.delayMilliseconds
        if delay > 0 { await Self.hold(milliseconds: delay) }
        switch reply.fault {
        case .serverError:
            return Self.plainText(.internalServerError, "internal server error")
        case .serverErrorBefore:
            return Self.plainText(.serviceUnavailable, "service unavailable")
        case .reset:
            await ConnectionResetter.reset(channel)
            return Response(status: .ok)
        case .malformed:
            // A proper prefix of a JSON object is never valid JSON. Signed, so only the parse can fail.
            let (body, contentType) = ResponseSigner.payload(of: reply)
            return signer.response(
                body: body.prefix(body.count / 2), contentType: contentType, target: target, signer: replySigner)
        case .badSignature:
            var response = signer.response(for: reply, target: target, signer: replySigner)
            if let signature = response.headers[HeaderName.signature] {
                response.headers[HeaderName.signature] = Self.corrupted(signature)
            }
            return response
        case .timeout, .busy, .processing, .duplicateNotification, .lateNotification, .notSupported, nil:
            return signer.response(for: reply, target: target, signer: replySigner)
        }
    }

    /// The answer of a switched-off endpoint (`query_unavailable`).
    static func unavailable() -> Response { SimHTTP.unavailable() }

    static func plainText(_ status: HTTPResponse.Status, _ text: String) -> Response { SimHTTP.plainText(status, text) }

    static func corrupted(_ signature: String) -> String { SimHTTP.corrupted(signature) }

    private static func hold(milliseconds: Int) async { await SimHTTP.hold(milliseconds: milliseconds) }
}
