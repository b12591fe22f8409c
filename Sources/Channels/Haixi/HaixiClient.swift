import ChannelKit
import Foundation
import HaixiProtocol

/// Writes and signs messages, posts them to `{endpoint}/gateway` through the gateway's transport and
/// verifies the answers (document "Signing"): the bank's signature over the bytes `<Head>` … `</Body>` exactly
/// as received, and a Head that echoes our `TxCode`, `MerId` and `SerialNo`.
struct HaixiClient: Sendable {
    let settings: HaixiSettings
    let transport: any HTTPTransport
    let clock: any ChannelClock
    let logger: any ChannelLogger

    /// The message of `txCode` with our Head (`TxCode`, `MerId`, `TxTime` now in UTC+8, `SerialNo`) and `body`.
    func message(txCode: String, serialNo: String, body: [(name: String, value: String)]) -> HaixiMessage {
        HaixiMessage(
            head: [
                (HaixiElement.txCode, txCode), (HaixiElement.merchantId, settings.merchantId),
                (HaixiElement.txTime, HaixiTime.format(clock.now())), (HaixiElement.serialNo, serialNo),
            ],
            body: body)
    }

    /// The HTTP request carrying `message`, signed with the merchant's key.
    func request(_ message: HaixiMessage, timeout: Duration? = nil) throws(PaymentChannelError) -> HTTPRequestMessage {
        guard let url = URL(string: settings.baseURL + HaixiTxCode.path) else {
            throw PaymentChannelError(.invalidConfiguration, "cannot build a URL from 'endpoint'")
        }
        let bytes: [UInt8]
        do {
            bytes = try message.encoded(signedBy: settings.signer)
        } catch {
            throw PaymentChannelError(.invalidConfiguration, "cannot sign with credential '\(HaixiSettings.privateKeyName)'")
        }
        return HTTPRequestMessage(
            method: "POST", url: url, headers: [HTTPHeaderField("Content-Type", Self.contentType)], body: Data(bytes),
            timeout: timeout)
    }

    /// `text/xml; charset=UTF-8`, for requests and notification replies.
    static let contentType = "text/xml; charset=UTF-8"

    /// Sends `message` and verifies the answer.
    func send(_ message: HaixiMessage) async throws(PaymentChannelError) -> HaixiReply {
        let request = try request(message)
        let txCode = message.head.first { $0.name == HaixiElement.txCode }?.value ?? ""
        let serialNo = message.head.first { $0.name == HaixiElement.serialNo }?.value ?? ""
        let response: HTTPResponseMessage
        do {
            response = try await transport.execute(request)
        } catch let error as TransportError {
            logger.warning("request to the bank failed", metadata: ["tx_code": txCode, "error": error.description])
            return .transportFailed(error)
        } catch {
            // The transport contract promises TransportError; anything else may have been sent.
            logger.warning("request to the bank failed", metadata: ["tx_code": txCode, "error": "\(error)"])
            return .transportFailed(TransportError(.connectionLost, String(describing: error)))
        }
        guard response.status == 200 else {
            logger.warning("bank answered HTTP \(response.status)", metadata: ["tx_code": txCode])
            return .httpStatus(response.status)
        }
        return verify(Array(response.body), txCode: txCode, serialNo: serialNo)
    }

    /// Checks an answer's shape, the bank's signature over its signed bytes as received, and that its Head
    /// echoes `txCode`, our MerId and `serialNo`.
    func verify(_ bytes: [UInt8], txCode: String, serialNo: String) -> HaixiReply {
        let envelope: HaixiEnvelope
        switch HaixiEnvelope.parse(bytes) {
        case .success(let parsed): envelope = parsed
        case .failure(let error):
            logger.warning("bank answer is not a Haixi message", metadata: ["tx_code": txCode, "problem": error.description])
            return .unverifiable(reason: "not a Haixi message (\(error.description))", claimedCode: nil)
        }
        let claimed = envelope.head(HaixiElement.respCode, in: bytes)
        guard settings.isBankSignature(envelope.signature, over: bytes[envelope.signedRange]) else {
            if claimed == HaixiCode.signatureFailed {
                logger.error(
                    "configuration alarm: the bank refused our signature (300001) and its answer does not verify "
                        + "with bank_public_key; check mer_id and keys",
                    metadata: ["tx_code": txCode, "mer_id": settings.merchantId])
            } else {
                logger.warning("bank answer's signature does not verify", metadata: ["tx_code": txCode, "code": claimed ?? ""])
            }
            return .unverifiable(reason: "invalid signature", claimedCode: claimed)
        }
        let echoed = [
            (HaixiElement.txCode, txCode), (HaixiElement.merchantId, settings.merchantId),
            (HaixiElement.serialNo, serialNo),
        ]
        for (name, expected) in echoed {
            let value = envelope.head(name, in: bytes)
            guard value == expected else {
                logger.warning(
                    "bank answer does not echo our message", metadata: ["tx_code": txCode, "element": name])
                return .unverifiable(reason: "\(name) '\(value ?? "(missing)")' is not '\(expected)'", claimedCode: claimed)
            }
        }
        guard let code = claimed, !code.isEmpty else {
            return .unverifiable(reason: "no RespCode", claimedCode: nil)
        }
        var body: [String: String] = [:]
        for element in envelope.body {
            guard let value = HaixiText.unescape(bytes[element.range]) else {
                return .unverifiable(reason: "<\(element.name)> is not readable text", claimedCode: code)
            }
            body[element.name] = value
        }
        return .verified(
            HaixiAnswer(code: code, message: envelope.head(HaixiElement.respMessage, in: bytes) ?? "", body: body))
    }
}
