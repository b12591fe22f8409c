import ChannelKit
import Foundation
import HaixiProtocol

/// Verifies and reads the bank's notifications (TxCode `2001` pay result, `2002` refund result) and writes the
/// signed acknowledgement the document asks for.
///
/// The message is verified over its bytes as received with the bank's public key; its Head's `SerialNo` is
/// the payment's or refund's id, its Body the query answer's (`TxType, BankSerialNo, TxStatus, Amount,
/// FinishTime`). Deliveries are not remembered here: applying the same event twice is harmless to the
/// gateway's state machine.
struct HaixiNotificationHandler: Sendable {
    let settings: HaixiSettings
    let clock: any ChannelClock
    let logger: any ChannelLogger

    /// The event of a valid notification and the signed reply the bank expects.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/notificationRejected``.
    func handle(_ notification: InboundNotification) throws(PaymentChannelError) -> NotificationResult {
        do {
            let (event, txCode) = try verifiedEvent(notification)
            logger.info(
                "notification",
                metadata: [
                    "transaction": event.transactionId, "kind": event.kind.rawValue, "status": event.outcome.status.rawValue,
                ])
            return NotificationResult(events: [event], reply: try reply(txCode: txCode, serialNo: event.transactionId))
        } catch {
            logger.warning("notification rejected", metadata: ["target": notification.target, "reason": error.message])
            throw error
        }
    }

    /// The acknowledgement: Head `TxCode` (the same), `MerId`, `TxTime`, `SerialNo` (echoed), `RespCode`
    /// `000000`, `RespMsg` `OK`, and an empty Body, signed with the merchant's key.
    func reply(txCode: String, serialNo: String) throws(PaymentChannelError) -> HTTPResponseMessage {
        let message = HaixiMessage(
            head: [
                (HaixiElement.txCode, txCode), (HaixiElement.merchantId, settings.merchantId),
                (HaixiElement.txTime, HaixiTime.format(clock.now())), (HaixiElement.serialNo, serialNo),
                (HaixiElement.respCode, HaixiCode.accepted), (HaixiElement.respMessage, "OK"),
            ],
            body: [])
        let bytes: [UInt8]
        do {
            bytes = try message.encoded(signedBy: settings.signer)
        } catch {
            throw PaymentChannelError(.notificationRejected, "cannot sign the reply with credential 'private_key'")
        }
        return HTTPResponseMessage(
            status: 200, headers: [HTTPHeaderField("Content-Type", HaixiClient.contentType)], body: Data(bytes))
    }

    private func verifiedEvent(_ notification: InboundNotification) throws(PaymentChannelError) -> (ChannelEvent, String) {
        guard notification.method.uppercased() == "POST" else { throw reject("method \(notification.method) is not POST") }
        let bytes = Array(notification.body)
        let envelope: HaixiEnvelope
        switch HaixiEnvelope.parse(bytes) {
        case .success(let parsed): envelope = parsed
        case .failure(let error): throw reject("not a Haixi message: \(error.description)")
        }
        guard settings.isBankSignature(envelope.signature, over: bytes[envelope.signedRange]) else {
            throw reject("invalid signature")
        }
        let txCode = envelope.head(HaixiElement.txCode, in: bytes) ?? ""
        let kind: TransactionKind
        switch txCode {
        case HaixiTxCode.payNotification: kind = .payment
        case HaixiTxCode.refundNotification: kind = .refund
        default: throw reject("unknown TxCode '\(txCode)'")
        }
        let merchant = envelope.head(HaixiElement.merchantId, in: bytes) ?? ""
        guard merchant == settings.merchantId else { throw reject("notification is for MerId '\(merchant)', not ours") }
        guard let serialNo = envelope.head(HaixiElement.serialNo, in: bytes), HaixiStatement.isSerial(serialNo) else {
            throw reject("SerialNo is missing or not 1–32 characters of [A-Za-z0-9_-]")
        }
        var body: [String: String] = [:]
        for element in envelope.body {
            guard let value = HaixiText.unescape(bytes[element.range]) else { throw reject("<\(element.name)> is not readable") }
            body[element.name] = value
        }
        let state: HaixiTransactionState
        switch HaixiTransactionState.read(body) {
        case .success(let read): state = read
        case .failure(let problem): throw reject(problem.description)
        }
        guard state.kind == kind else {
            throw reject("TxType \(body[HaixiElement.txType] ?? "(missing)") does not match TxCode \(txCode)")
        }
        let outcome = state.outcome(currency: settings.currency, bankCode: HaixiCode.accepted)
        return (ChannelEvent(transactionId: serialNo, kind: kind, outcome: outcome), txCode)
    }

    private func reject(_ reason: String) -> PaymentChannelError {
        PaymentChannelError(.notificationRejected, reason)
    }
}
