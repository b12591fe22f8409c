import ChannelKit
import Foundation
import JiangnanProtocol

/// What came back for one signed request to the bank.
enum JiangnanReply: Sendable {
    /// The transport failed; see ``TransportError/requestMayHaveBeenSent``.
    case transportFailed(TransportError)
    /// The bank answered with an HTTP status other than 200 (a 5xx is a server error; anything else an answer
    /// that says nothing verifiable).
    case httpStatus(Int)
    /// An answer came, but it cannot be trusted (body, signature or timestamp); `claimedCode` is the unverified
    /// result code when the body could be read.
    case unverifiable(reason: String, claimedCode: String?)
    /// An answer with a valid signature and timestamp.
    case verified(JiangnanAnswer)
}

/// A verified envelope: `{"code", "msg", "data"}`.
struct JiangnanAnswer: Sendable {
    /// The result code.
    let code: String
    /// The bank's message.
    let message: String
    /// The whole body, to decode `data` from.
    let body: Data

    /// The bank's message, or the document's message for the code when the bank gave none.
    var describedMessage: String { message.isEmpty ? JiangnanCode.message(for: code) : message }
}

/// The result of checking a response's `X-JN-*` headers.
enum JiangnanSignatureCheck: Sendable, Equatable {
    /// Signed with our secret, timestamp within the window.
    case valid
    /// No signature header at all.
    case missing
    /// Present but wrong, incomplete or outside the window.
    case invalid(String)
}

/// Signs requests, sends them through the gateway's transport and verifies the answers (document "Signing"
/// and "Envelope").
///
/// TARGET is the operation path (plus `?query`) relative to the configured endpoint: with an endpoint
/// `https://bank/gw`, `POST /api/v1/pay` goes to `https://bank/gw/api/v1/pay` and is signed with TARGET
/// `/api/v1/pay`.
struct JiangnanClient: Sendable {
    let settings: JiangnanSettings
    let transport: any HTTPTransport
    let clock: any ChannelClock
    let logger: any ChannelLogger
    let makeNonce: @Sendable () -> String

    /// The clock's time in Unix milliseconds.
    func nowMilliseconds() -> Int64 {
        Int64((clock.now().timeIntervalSince1970 * 1000).rounded())
    }

    /// A signed request with a fresh timestamp and nonce.
    func signedRequest(method: String, target: String, body: Data, timeout: Duration? = nil) throws(PaymentChannelError)
        -> HTTPRequestMessage
    {
        guard let url = URL(string: settings.baseURL + target) else {
            throw PaymentChannelError(.invalidRequest, "cannot build a URL for \(target)")
        }
        let timestamp = String(nowMilliseconds())
        let nonce = makeNonce()
        let signature = settings.keys.signature(
            method: method, target: target, timestamp: timestamp, nonce: nonce, body: body)
        var headers = [
            HTTPHeaderField(JiangnanHeaders.merchantNo, settings.merchantNo),
            HTTPHeaderField(JiangnanHeaders.timestamp, timestamp),
            HTTPHeaderField(JiangnanHeaders.nonce, nonce),
            HTTPHeaderField(JiangnanHeaders.signature, signature),
        ]
        if method != "GET" { headers.append(HTTPHeaderField("Content-Type", "application/json")) }
        return HTTPRequestMessage(method: method, url: url, headers: headers, body: body, timeout: timeout)
    }

    /// POSTs a JSON body; a verified `3002` (timestamp or nonce refused, nothing processed) is retried once
    /// with a fresh timestamp and nonce.
    func post(target: String, body: Data) async throws(PaymentChannelError) -> JiangnanReply {
        let first = try await send(method: "POST", target: target, body: body)
        guard case .verified(let answer) = first, answer.code == JiangnanCode.timestampOrNonce else { return first }
        logger.warning(
            "bank refused the request's timestamp or nonce (3002); retrying once with fresh ones",
            metadata: ["target": target])
        return try await send(method: "POST", target: target, body: body)
    }

    /// Sends one signed request and verifies the answer.
    func send(method: String, target: String, body: Data) async throws(PaymentChannelError) -> JiangnanReply {
        let request = try signedRequest(method: method, target: target, body: body)
        let response: HTTPResponseMessage
        do {
            response = try await transport.execute(request)
        } catch let error as TransportError {
            logger.warning("request to the bank failed", metadata: ["target": target, "error": error.description])
            return .transportFailed(error)
        } catch {
            // The transport contract promises TransportError; anything else may have been sent.
            logger.warning("request to the bank failed", metadata: ["target": target, "error": "\(error)"])
            return .transportFailed(TransportError(.connectionLost, String(describing: error)))
        }
        return verifyEnvelope(response, target: target)
    }

    /// Checks an envelope answer: HTTP 200, a readable body, a valid signature (METHOD `RESP`, the request's
    /// TARGET) and a timestamp within ±300 s of our clock.
    func verifyEnvelope(_ response: HTTPResponseMessage, target: String) -> JiangnanReply {
        guard response.status == 200 else {
            logger.warning("bank answered HTTP \(response.status)", metadata: ["target": target])
            return .httpStatus(response.status)
        }
        guard let head = try? JSONDecoder().decode(EnvelopeHead.self, from: response.body) else {
            logger.warning("bank answer is not a readable envelope", metadata: ["target": target])
            return .unverifiable(reason: "unparsable body", claimedCode: nil)
        }
        let check = checkSignature(
            response.headers, target: target, bodyHash: JiangnanSigner.bodyHash(response.body),
            reference: nowMilliseconds())
        switch check {
        case .valid:
            return .verified(JiangnanAnswer(code: head.code, message: head.msg ?? "", body: response.body))
        case .missing, .invalid:
            let reason = check == .missing ? "missing response signature" : "\(check)"
            if head.code == JiangnanCode.badSignature {
                logger.error(
                    "configuration alarm: the bank refused our signature (3001) and its answer does not verify "
                        + "with our secret; check merchant_no and secret",
                    metadata: ["target": target, "merchant_no": settings.merchantNo, "check": reason])
            } else {
                logger.warning(
                    "unverifiable bank answer", metadata: ["target": target, "code": head.code, "check": reason])
            }
            return .unverifiable(reason: reason, claimedCode: head.code)
        }
    }

    /// Checks the `X-JN-Timestamp`, `X-JN-Nonce` and `X-JN-Signature` of a response (METHOD `RESP`) against
    /// the body's hash and a reference time in Unix milliseconds.
    func checkSignature(_ headers: [HTTPHeaderField], target: String, bodyHash: String, reference: Int64)
        -> JiangnanSignatureCheck
    {
        guard let signature = headers.value(for: JiangnanHeaders.signature) else { return .missing }
        guard let timestampText = headers.value(for: JiangnanHeaders.timestamp),
            let timestamp = Int64(timestampText)
        else { return .invalid("missing or malformed response timestamp") }
        guard let nonce = headers.value(for: JiangnanHeaders.nonce) else {
            return .invalid("missing response nonce")
        }
        guard
            settings.keys.isValid(
                signature, method: "RESP", target: target, timestamp: timestampText, nonce: nonce, bodyHash: bodyHash)
        else { return .invalid("invalid response signature") }
        let (skew, overflow) = timestamp.subtractingReportingOverflow(reference)
        guard !overflow, skew.magnitude <= JiangnanRules.timestampWindowMilliseconds else {
            return .invalid("response timestamp \(timestampText) is outside ±300 s of our clock")
        }
        return .valid
    }

    /// The readable part of every envelope.
    private struct EnvelopeHead: Decodable {
        let code: String
        let msg: String?
    }
}

extension JiangnanSignatureCheck: CustomStringConvertible {
    var description: String {
        switch self {
        case .valid: "valid"
        case .missing: "missing response signature"
        case .invalid(let reason): reason
        }
    }
}
