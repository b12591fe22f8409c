extension ScaffoldTemplates {
    /// `Sources/{{Module}}/{{Module}}Notifications.swift` of a generated package.
    static let sourcesNotificationsSwift = ScaffoldFile(
        "Sources/{{Module}}/{{Module}}Notifications.swift",
        #"""
import {{Module}}Protocol
import ChannelKit
import Foundation

/// Verifies the bank's notifications (a signed message like its answers) and turns them into events.
/// A notification that does not verify is refused and changes nothing.
struct {{Module}}Notifications: Sendable {
    let settings: {{Module}}Settings
    let logger: any ChannelLogger

    func handle(_ notification: InboundNotification) throws(PaymentChannelError) -> NotificationResult {
        let fields: [String: String]
        do {
            fields = try {{Module}}Wire.decode(
                Array(notification.body), header: { notification.headers.value(for: $0) }, keys: settings.verificationKeys)
        } catch {
            logger.warning("notification refused", metadata: ["reason": error.reason])
            throw PaymentChannelError(.notificationRejected, error.reason)
        }
        guard fields[{{Module}}Field.merchantNo] == settings.merchantNo else {
            throw PaymentChannelError(.notificationRejected, "the notification is for another merchant")
        }
        guard let id = fields[{{Module}}Field.transactionId], !id.isEmpty,
            let minorUnits = fields[{{Module}}Field.amount].flatMap(Int64.init), minorUnits > 0,
            let currency = fields[{{Module}}Field.currency].flatMap(Currency.init(code:))
        else {
            throw PaymentChannelError(.notificationRejected, "the notification lacks txn_id, amount or currency")
        }
        let kind: TransactionKind = fields[{{Module}}Field.kind] == {{Module}}Value.refund ? .refund : .payment
        let amount = Money(minorUnits: minorUnits, currency: currency)
        // PARTNER: your bank's notification states.
        let outcome: ChannelOutcome
        switch fields[{{Module}}Field.state] {
        case {{Module}}Value.succeeded:
            outcome = {{Module}}Outcomes.succeeded(fields, amount: amount, code: {{Module}}Code.success)
        case {{Module}}Value.failed:
            outcome = .declined(
                .declined, bankCode: fields[{{Module}}Field.reasonCode] ?? {{Module}}Value.failed,
                message: fields[{{Module}}Field.message] ?? "failed at the bank",
                bankTransactionId: fields[{{Module}}Field.bankTransactionId], finishedAt: {{Module}}Outcomes.finishedAt(fields))
        default:
            outcome = .pending(.processing, message: "the bank is still processing it")
        }
        logger.info("notification", metadata: ["transaction_id": id, "status": outcome.status.rawValue])
        return NotificationResult(
            events: [ChannelEvent(transactionId: id, kind: kind, outcome: outcome)],
            reply: HTTPResponseMessage(
                status: 200, headers: [HTTPHeaderField("Content-Type", "text/plain")],
                body: Data({{Module}}API.notificationReply.utf8)))
    }
}
"""#)
}
