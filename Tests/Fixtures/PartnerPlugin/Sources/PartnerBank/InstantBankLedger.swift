import ChannelKit
import Foundation

/// The instant test bank's books: what one channel paid and refunded in this process. Repeating a request
/// with the same transaction id returns the first answer, as a real bank dedupes by id.
actor InstantBankLedger {
    /// The bank code of a "not found" query answer.
    static let notFoundCode = "PB404"

    private var payments: [String: ChannelOutcome] = [:]
    private var refunds: [String: ChannelOutcome] = [:]
    private var refundedByPayment: [String: Int64] = [:]
    private var sequence = 0

    /// Charges the payer at once; a second request with the same id and another amount is declined.
    func pay(_ request: PayRequest, at now: Date) -> ChannelOutcome {
        if let earlier = payments[request.transactionId] {
            return earlier.amount == request.amount
                ? earlier : .declined(bankCode: "PB409", message: "transaction id already used for another amount")
        }
        let outcome = ChannelOutcome.succeeded(
            bankTransactionId: nextBankId("P"), amount: request.amount, finishedAt: now, bankCode: "PB000")
        payments[request.transactionId] = outcome
        return outcome
    }

    /// Refunds at once if the payment is known here and not refunded beyond its amount.
    func refund(_ request: RefundRequest, at now: Date) -> ChannelOutcome {
        if let earlier = refunds[request.transactionId] {
            return earlier.amount == request.amount
                ? earlier : .declined(bankCode: "PB409", message: "refund id already used for another amount")
        }
        guard let payment = payments[request.paymentTransactionId], let paid = payment.amount,
            payment.status == .succeeded
        else {
            return .declined(.declined, bankCode: "PB404", message: "no such payment")
        }
        let refunded = refundedByPayment[request.paymentTransactionId, default: 0]
        guard request.amount.currency == paid.currency, refunded + request.amount.minorUnits <= paid.minorUnits else {
            return .declined(.declined, bankCode: "PB422", message: "refund exceeds what remains of the payment")
        }
        let outcome = ChannelOutcome.succeeded(
            bankTransactionId: nextBankId("R"), amount: request.amount, finishedAt: now, bankCode: "PB000")
        refunds[request.transactionId] = outcome
        refundedByPayment[request.paymentTransactionId] = refunded + request.amount.minorUnits
        return outcome
    }

    /// What the bank knows of a transaction, or `nil`.
    func outcome(of transactionId: String, kind: TransactionKind) -> ChannelOutcome? {
        switch kind {
        case .payment: payments[transactionId]
        case .refund: refunds[transactionId]
        @unknown default: nil
        }
    }

    private func nextBankId(_ prefix: String) -> String {
        sequence += 1
        return "PB\(prefix)\(String(sequence))"
    }
}
