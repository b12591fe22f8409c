import ChannelKit
import Foundation
import MinbeiProtocol

/// What came back for one signed request to the bank.
enum MinbeiReply: Sendable {
    /// The transport failed; see ``TransportError/requestMayHaveBeenSent``.
    case transportFailed(TransportError)
    /// The bank answered with an HTTP status other than 200.
    case httpStatus(Int)
    /// An answer came, but it cannot be trusted (not a GBK form, or a bad or missing `sign`); `claimedCode` is
    /// the unverified `resp_code` when the form could be read.
    case unverifiable(reason: String, claimedCode: String?)
    /// A form whose `sign` verified with our key.
    case verified(MinbeiAnswer)
}

/// A verified answer.
struct MinbeiAnswer: Sendable {
    /// `resp_code`.
    let code: String
    /// `resp_msg`.
    let message: String
    /// Every field.
    let form: MinbeiForm

    /// The bank's message, or the document's message for the code when the bank gave none.
    var describedMessage: String { message.isEmpty ? MinbeiCode.message(for: code) : message }

    /// The value of a field, empty when absent.
    subscript(_ name: String) -> String { form[name] ?? "" }
}

/// Signs forms, posts them to `/acq/gateway.do` through the gateway's transport and verifies the answers
/// (document "Signing": a bad or missing `sign` is an unknown outcome).
struct MinbeiClient: Sendable {
    let settings: MinbeiSettings
    let transport: any HTTPTransport
    let logger: any ChannelLogger

    /// The content type of every post.
    static let contentType = "application/x-www-form-urlencoded; charset=GBK"

    /// The signed request of `fields` (with `mer_id` first).
    /// - Throws: ``PaymentChannelError/Code/invalidRequest`` when a value holds a character GBK cannot hold.
    func signedRequest(_ fields: [(name: String, value: String)], timeout: Duration? = nil) throws(PaymentChannelError)
        -> HTTPRequestMessage
    {
        guard let form = settings.keys.signed(MinbeiForm(fields)), let body = form.encoded() else {
            throw PaymentChannelError(.invalidRequest, "the request holds a character that GBK cannot encode")
        }
        return HTTPRequestMessage(
            method: "POST", url: settings.gatewayURL, headers: [HTTPHeaderField("Content-Type", Self.contentType)],
            body: Data(body), timeout: timeout)
    }

    /// Posts one service request and verifies the answer.
    func post(service: String, _ fields: [(name: String, value: String)]) async throws(PaymentChannelError) -> MinbeiReply {
        let request = try signedRequest(
            [(MinbeiField.service, service), (MinbeiField.merchantId, settings.merchantId)] + fields)
        let response: HTTPResponseMessage
        do {
            response = try await transport.execute(request)
        } catch let error as TransportError {
            logger.warning("request to the bank failed", metadata: ["service": service, "error": error.description])
            return .transportFailed(error)
        } catch {
            logger.warning("request to the bank failed", metadata: ["service": service, "error": "\(error)"])
            return .transportFailed(TransportError(.connectionLost, String(describing: error)))
        }
        return verify(response, service: service)
    }

    /// Checks an answer: HTTP 200, a GBK form, `sign_type=MD5` and a `sign` made with our key, a `resp_code`.
    func verify(_ response: HTTPResponseMessage, service: String) -> MinbeiReply {
        guard response.status == 200 else {
            logger.warning("bank answered HTTP \(response.status)", metadata: ["service": service])
            return .httpStatus(response.status)
        }
        return verify(body: response.body, service: service)
    }

    /// Checks an answer's body (see ``verify(_:service:)``).
    func verify(body: Data, service: String) -> MinbeiReply {
        guard let form = MinbeiForm.decode(body) else {
            logger.warning("bank answer is not a GBK form", metadata: ["service": service])
            return .unverifiable(reason: "the answer is not a GBK form", claimedCode: nil)
        }
        let claimed = form[MinbeiField.respCode]
        guard settings.keys.verify(form) else {
            let reason = form[MinbeiField.sign] == nil ? "missing sign" : "invalid sign"
            if claimed == MinbeiCode.signatureError {
                logger.error(
                    "configuration alarm: the bank refused our signature (A0) and its answer does not verify with "
                        + "our key; check mer_id and key",
                    metadata: ["service": service, "mer_id": settings.merchantId])
            } else {
                logger.warning("unverifiable bank answer", metadata: ["service": service, "code": claimed ?? "", "check": reason])
            }
            return .unverifiable(reason: reason, claimedCode: claimed)
        }
        guard let code = claimed, !code.isEmpty else {
            return .unverifiable(reason: "signed answer without resp_code", claimedCode: nil)
        }
        return .verified(MinbeiAnswer(code: code, message: form[MinbeiField.respMessage] ?? "", form: form))
    }
}
