import Foundation
import HaixiProtocol
import SimulatorSupport

/// The bank's notifications (document "Operations"): TxCode `2001` (pay result) or `2002` (refund result)
/// posted to the payment's `NotifyUrl`, Head `SerialNo` the transaction's, Body `TxType, BankSerialNo, TxStatus,
/// Amount, FinishTime`, signed with the bank's key and written afresh (new TxTime) for every attempt. Delivered
/// when the merchant answers a message signed with its registered key that echoes TxCode, MerId and SerialNo
/// with RespCode `000000`; otherwise retried (document: up to 5 times over 2 h).
struct HaixiNotifier: Sendable {
    /// The first attempt and five retries.
    static let attempts = 6
    /// The document's "up to 5 retries over 2 h", in seconds: 1, 4, 15, 30 and 70 minutes (2 h in all).
    static let documentDelays = "60,240,900,1800,4200"

    let notifier: SimNotifier
    let merchants: HaixiMerchants
    let bankKey: HaixiSigner
    let clock: SimulatorClock

    func paymentFinished(_ payment: SimBook.Payment, copies: Int = 1, delayMilliseconds: Int = 0) {
        send(
            txCode: HaixiTxCode.payNotification, merchant: payment.merchant, serialNo: payment.transaction_id,
            body: HaixiBankAPI.resultBody(
                type: "PAY", bankSerialNo: payment.bank_transaction_id, status: payment.status, amount: payment.amount,
                finishedAt: payment.finished_at),
            kind: "pay", url: payment.notify_url, copies: copies, delayMilliseconds: delayMilliseconds)
    }

    func refundFinished(_ refund: SimBook.Refund, notifyURL: String) {
        send(
            txCode: HaixiTxCode.refundNotification, merchant: refund.merchant, serialNo: refund.transaction_id,
            body: HaixiBankAPI.resultBody(
                type: "REFUND", bankSerialNo: refund.bank_transaction_id, status: refund.status, amount: refund.amount,
                finishedAt: refund.finished_at),
            kind: "refund", url: notifyURL, copies: 1, delayMilliseconds: 0)
    }

    private func send(
        txCode: String, merchant: String, serialNo: String, body: [(name: String, value: String)], kind: String,
        url: String, copies: Int, delayMilliseconds: Int
    ) {
        guard let merchantKey = merchants.verifier(for: merchant), !url.isEmpty else { return }
        let (bankKey, clock) = (self.bankKey, self.clock)
        notifier.send(
            SimNotifier.Delivery(
                kind: kind, transactionId: serialNo, url: url,
                makeRequest: {
                    let message = HaixiMessage(
                        head: [
                            (HaixiElement.txCode, txCode), (HaixiElement.merchantId, merchant),
                            (HaixiElement.txTime, HaixiSimTime.text(clock.nowMilliseconds)), (HaixiElement.serialNo, serialNo),
                        ],
                        body: body)
                    return ([("Content-Type", HaixiBankAPI.contentType)], (try? message.encoded(signedBy: bankKey)) ?? [])
                },
                isAcknowledged: { status, answer in
                    status == 200
                        && Self.isAcknowledgement(answer, txCode: txCode, merchant: merchant, serialNo: serialNo, key: merchantKey)
                }),
            copies: copies, delayMilliseconds: delayMilliseconds)
    }

    /// Whether `answer` is the merchant's signed `000000` reply to the notification `txCode`/`serialNo`.
    static func isAcknowledgement(
        _ answer: [UInt8], txCode: String, merchant: String, serialNo: String, key: HaixiVerifier
    ) -> Bool {
        guard case .success(let envelope) = HaixiEnvelope.parse(answer),
            key.isValid(signature: envelope.signature, over: answer[envelope.signedRange])
        else { return false }
        return envelope.head(HaixiElement.txCode, in: answer) == txCode
            && envelope.head(HaixiElement.merchantId, in: answer) == merchant
            && envelope.head(HaixiElement.serialNo, in: answer) == serialNo
            && envelope.head(HaixiElement.respCode, in: answer) == HaixiCode.accepted
    }
}
