import Foundation
import MinbeiProtocol
import SimulatorSupport

/// The bank's notifications: a signed GBK form `service=notify, trans_type, order_no|refund_no, bank_seq,
/// amount, trans_status, trans_time` posted to the payment's `notify_url`, delivered when the merchant answers
/// HTTP 200 with the plain text `success`; otherwise retried (document: 6 times, at 1, 2, 4, 8, 16, 32 minutes).
struct MinbeiNotifier: Sendable {
    /// The first attempt and six retries.
    static let attempts = 7
    /// The document's retry schedule, in seconds.
    static let documentDelays = "60,120,240,480,960,1920"

    let notifier: SimNotifier
    let merchants: MinbeiMerchants

    func paymentFinished(_ payment: SimBook.Payment, copies: Int = 1, delayMilliseconds: Int = 0) {
        let fields: [(name: String, value: String)] = [
            (MinbeiField.service, MinbeiService.notify), (MinbeiField.transType, MinbeiService.payType),
            (MinbeiField.orderNo, payment.transaction_id), (MinbeiField.bankSequence, payment.bank_transaction_id),
            (MinbeiField.amount, MinbeiAmount.string(minorUnits: payment.amount) ?? ""),
            (MinbeiField.transStatus, MinbeiBankAPI.status(payment.status)),
            (MinbeiField.transTime, MinbeiBankAPI.time(payment.finished_at)),
        ]
        send(fields, merchant: payment.merchant, kind: "pay", id: payment.transaction_id, url: payment.notify_url,
            copies: copies, delayMilliseconds: delayMilliseconds)
    }

    func refundFinished(_ refund: SimBook.Refund, notifyURL: String) {
        let fields: [(name: String, value: String)] = [
            (MinbeiField.service, MinbeiService.notify), (MinbeiField.transType, MinbeiService.refundType),
            (MinbeiField.refundNo, refund.transaction_id), (MinbeiField.bankSequence, refund.bank_transaction_id),
            (MinbeiField.amount, MinbeiAmount.string(minorUnits: refund.amount) ?? ""),
            (MinbeiField.transStatus, MinbeiBankAPI.status(refund.status)),
            (MinbeiField.transTime, MinbeiBankAPI.time(refund.finished_at)),
        ]
        send(fields, merchant: refund.merchant, kind: "refund", id: refund.transaction_id, url: notifyURL, copies: 1,
            delayMilliseconds: 0)
    }

    private func send(
        _ fields: [(name: String, value: String)], merchant: String, kind: String, id: String, url: String, copies: Int,
        delayMilliseconds: Int
    ) {
        guard let signer = merchants.signer(for: merchant), let body = signer.signed(MinbeiForm(fields))?.encoded() else {
            return
        }
        notifier.send(
            SimNotifier.Delivery(
                kind: kind, transactionId: id, url: url,
                makeRequest: { ([("Content-Type", MinbeiBankAPI.formType)], body) },
                isAcknowledged: { status, answer in
                    status == 200
                        && String(decoding: answer, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                            == MinbeiService.notifyAnswer
                }),
            copies: copies, delayMilliseconds: delayMilliseconds)
    }
}
