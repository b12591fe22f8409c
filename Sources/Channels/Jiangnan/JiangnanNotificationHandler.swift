import ChannelKit
import Foundation
import JiangnanProtocol

/// Verifies and parses the bank's notifications (`trade.finished`, `refund.finished`).
///
/// A notification is signed like a request: METHOD `POST`, TARGET the path and query of the notify URL as
/// received. Nonces are not remembered here: the bank signs every delivery afresh, and applying the same
/// event twice is harmless to the gateway's state machine.
struct JiangnanNotificationHandler: Sendable {
    let settings: JiangnanSettings
    let logger: any ChannelLogger

    /// The events of a valid notification and the acknowledgement the bank expects.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/notificationRejected``.
    func handle(_ notification: InboundNotification) throws(PaymentChannelError) -> NotificationResult {
        do {
            let events = try verifiedEvents(notification)
            for event in events {
                logger.info(
                    "notification",
                    metadata: [
                        "transaction": event.transactionId, "kind": event.kind.rawValue,
                        "status": event.outcome.status.rawValue,
                    ])
            }
            let reply = HTTPResponseMessage(
                status: 200, headers: [HTTPHeaderField("Content-Type", "application/json")],
                body: JiangnanEvent.acknowledgement)
            return NotificationResult(events: events, reply: reply)
        } catch {
            logger.warning("notification rejected", metadata: ["target": notification.target, "reason": error.message])
            throw error
        }
    }

    private func verifiedEvents(_ notification: InboundNotification) throws(PaymentChannelError) -> [ChannelEvent] {
        guard notification.method.uppercased() == "POST" else {
            throw reject("method \(notification.method) is not POST")
        }
        let headers = notification.headers
        if let merchant = headers.value(for: JiangnanHeaders.merchantNo), merchant != settings.merchantNo {
            throw reject("notification is for merchant '\(merchant)', not ours")
        }
        guard let signature = headers.value(for: JiangnanHeaders.signature) else { throw reject("missing signature") }
        guard let timestampText = headers.value(for: JiangnanHeaders.timestamp), let timestamp = Int64(timestampText)
        else { throw reject("missing or malformed timestamp") }
        guard let nonce = headers.value(for: JiangnanHeaders.nonce), JiangnanRules.isValidNonce(nonce) else {
            throw reject("missing or malformed nonce")
        }
        guard
            settings.keys.isValid(
                signature, method: "POST", target: notification.target, timestamp: timestampText, nonce: nonce,
                body: notification.body)
        else { throw reject("invalid signature") }
        let received = Int64((notification.receivedAt.timeIntervalSince1970 * 1000).rounded())
        let (skew, overflow) = timestamp.subtractingReportingOverflow(received)
        guard !overflow, skew.magnitude <= JiangnanRules.timestampWindowMilliseconds else {
            throw reject("timestamp \(timestampText) is outside ±300 s of the time it was received")
        }

        let decoder = JSONDecoder()
        guard let head = try? decoder.decode(EventHead.self, from: notification.body) else {
            throw reject("body is not a notification")
        }
        let state: JiangnanTransactionState
        switch head.event {
        case JiangnanEvent.tradeFinished:
            guard let body = try? decoder.decode(JiangnanNotification<JiangnanTradeData>.self, from: notification.body)
            else { throw reject("trade.finished without readable payment data") }
            state = JiangnanTransactionState(body.data)
        case JiangnanEvent.refundFinished:
            guard let body = try? decoder.decode(JiangnanNotification<JiangnanRefundData>.self, from: notification.body)
            else { throw reject("refund.finished without readable refund data") }
            state = JiangnanTransactionState(body.data)
        default:
            throw reject("unknown event '\(head.event)'")
        }
        guard JiangnanRules.isValidCallerId(state.transactionId) else { throw reject("invalid transaction id") }
        guard state.amount > 0 else { throw reject("invalid amount \(state.amount)") }
        guard [JiangnanStatus.success, JiangnanStatus.failed, JiangnanStatus.processing].contains(state.status) else {
            throw reject("unknown status '\(state.status)'")
        }
        let outcome = state.outcome(currency: settings.currency, bankCode: JiangnanCode.ok, logger: logger)
        return [ChannelEvent(transactionId: state.transactionId, kind: state.kind, outcome: outcome)]
    }

    private func reject(_ reason: String) -> PaymentChannelError {
        PaymentChannelError(.notificationRejected, reason)
    }

    private struct EventHead: Decodable {
        let event: String
    }
}
