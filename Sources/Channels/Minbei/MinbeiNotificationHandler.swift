import ChannelKit
import Foundation
import MinbeiProtocol

/// Verifies and parses the bank's notifications: a GBK form `service=notify, trans_type, order_no|refund_no,
/// bank_seq, amount, trans_status, trans_time, sign_type, sign`, answered with the plain text `success`
/// (anything else makes the bank retry at 1, 2, 4, 8, 16 and 32 minutes).
struct MinbeiNotificationHandler: Sendable {
    let settings: MinbeiSettings
    let logger: any ChannelLogger

    /// The events of a valid notification and the acknowledgement the bank expects.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/notificationRejected``.
    func handle(_ notification: InboundNotification) throws(PaymentChannelError) -> NotificationResult {
        do {
            let event = try verifiedEvent(notification)
            logger.info(
                "notification",
                metadata: [
                    "transaction": event.transactionId, "kind": event.kind.rawValue,
                    "status": event.outcome.status.rawValue,
                ])
            let reply = HTTPResponseMessage(
                status: 200, headers: [HTTPHeaderField("Content-Type", "text/plain; charset=GBK")],
                body: Data(MinbeiService.notifyAnswer.utf8))
            return NotificationResult(events: [event], reply: reply)
        } catch {
            logger.warning("notification rejected", metadata: ["target": notification.target, "reason": error.message])
            throw error
        }
    }

    private func verifiedEvent(_ notification: InboundNotification) throws(PaymentChannelError) -> ChannelEvent {
        guard notification.method.uppercased() == "POST" else {
            throw reject("method \(notification.method) is not POST")
        }
        guard let form = MinbeiForm.decode(notification.body) else { throw reject("body is not a GBK form") }
        guard form[MinbeiField.sign] != nil else { throw reject("missing sign") }
        guard settings.keys.verify(form) else { throw reject("invalid sign") }
        guard form[MinbeiField.service] == MinbeiService.notify else {
            throw reject("service is '\(form[MinbeiField.service] ?? "")', not notify")
        }
        if let merchant = form[MinbeiField.merchantId], merchant != settings.merchantId {
            throw reject("notification is for merchant '\(merchant)', not ours")
        }
        let kind: TransactionKind
        let id: String
        switch form[MinbeiField.transType] {
        case MinbeiService.payType:
            kind = .payment
            id = form[MinbeiField.orderNo] ?? ""
        case MinbeiService.refundType:
            kind = .refund
            id = form[MinbeiField.refundNo] ?? ""
        case let other:
            throw reject("unknown trans_type '\(other ?? "")'")
        }
        guard MinbeiRules.isValidId(id) else { throw reject("invalid \(kind == .payment ? "order_no" : "refund_no")") }
        let amountText = form[MinbeiField.amount] ?? ""
        guard let amount = MinbeiAmount.minorUnits(amountText), amount > 0 else {
            throw reject("amount '\(amountText)' is not a yuan amount with two decimals")
        }
        let sequence = form[MinbeiField.bankSequence] ?? ""
        let finished = MinbeiTime.unixSeconds(compact: form[MinbeiField.transTime] ?? "").map {
            Date(timeIntervalSince1970: TimeInterval($0))
        }
        let outcome: ChannelOutcome
        switch form[MinbeiField.transStatus] {
        case MinbeiService.succeeded:
            guard MinbeiRules.isBankSequence(sequence) else { throw reject("bank_seq is not 20 digits") }
            outcome = .succeeded(
                bankTransactionId: sequence, amount: Money(minorUnits: amount, currency: settings.currency),
                finishedAt: finished, bankCode: MinbeiCode.success)
        case MinbeiService.failed:
            // The status as the code: "00" on a decline would read as a success (a notification has no refusal code).
            outcome = .declined(
                .declined, bankCode: MinbeiService.failed, message: "the bank reports it failed (trans_status F)",
                bankTransactionId: MinbeiRules.isBankSequence(sequence) ? sequence : nil, finishedAt: finished)
        case MinbeiService.inProcess:
            outcome = .pending(.processing, bankCode: MinbeiCode.success, message: "in process (trans_status P)")
        case let other:
            throw reject("unknown trans_status '\(other ?? "")'")
        }
        return ChannelEvent(transactionId: id, kind: kind, outcome: outcome)
    }

    private func reject(_ reason: String) -> PaymentChannelError {
        PaymentChannelError(.notificationRejected, reason)
    }
}
