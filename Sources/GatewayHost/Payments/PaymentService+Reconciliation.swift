import ChannelKit
import Foundation

extension PaymentService {
    /// What a compensation did.
    enum Settlement: Sendable, Equatable {
        /// Moved from open to the statement's final state (its webhook is in the outbox).
        case moved(TransactionStatus)
        /// Already final when the core looked (recovery or a notification got there first).
        case alreadyFinal(TransactionStatus)
        /// No such transaction on this channel.
        case notFound
    }

    /// Settles an open payment or refund from the bank's statement: through the state machine, with a
    /// transition whose cause says reconciliation, and the merchant's webhook. The only way reconciliation
    /// changes a payment row.
    func settleFromStatement(
        _ kind: TransactionKind, id: String, channelId: String, line: StatementRecord, date: BusinessDate
    ) async throws -> Settlement {
        let outcome: ChannelOutcome = line.status == .succeeded
            ? .succeeded(bankTransactionId: line.bankTransactionId, amount: line.amount, finishedAt: line.finishedAt)
            : .declined(
                .declined, bankCode: nil, message: "FAILED on the bank's statement of \(date)",
                bankTransactionId: line.bankTransactionId, finishedAt: line.finishedAt)
        let update = update(outcome, cause: "reconciliation: statement \(date) line \(line.lineNumber)")
        switch kind {
        case .payment:
            // `id` is the bank-visible id: the payment's current attempt (a superseded one is final already).
            guard let payment = try await store.payment(transactionId: id), payment.channelId == channelId else {
                return .notFound
            }
            guard payment.amount == line.amount.minorUnits, payment.currency == line.amount.currency.code else {
                return .alreadyFinal(payment.status)
            }
            guard payment.status.canMove(to: update.status) else { return .alreadyFinal(payment.status) }
            let stored = try await applyOutcome(update, toPayment: payment.id)
            guard let stored else { return .notFound }
            return stored.status == update.status && !payment.status.isFinal ? .moved(stored.status) : .alreadyFinal(stored.status)
        case .refund:
            guard let refund = try await store.refund(id: id),
                let payment = try await store.payment(id: refund.paymentId), payment.channelId == channelId
            else { return .notFound }
            guard refund.amount == line.amount.minorUnits, refund.currency == line.amount.currency.code else {
                return .alreadyFinal(refund.status)
            }
            guard refund.status.canMove(to: update.status) else { return .alreadyFinal(refund.status) }
            let stored = try await store.updateRefund(id: id, with: update, at: now())
            guard let stored else { return .notFound }
            return stored.status == update.status ? .moved(stored.status) : .alreadyFinal(stored.status)
        }
    }
}
