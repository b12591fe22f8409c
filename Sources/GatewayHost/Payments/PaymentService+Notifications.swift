import ChannelKit
import Foundation

extension PaymentService {
    /// Hands a raw bank notification to its channel; applies each verified event through the state machine,
    /// so duplicates and late or out-of-order notifications change nothing once a state is final.
    func handleNotification(channelId: String, _ notification: InboundNotification) async throws -> HTTPResponseMessage {
        guard let pinned = registry.pin(channelId) else {
            throw GatewayError(.notFound, "unknown_channel", "no channel '\(channelId.prefix(64))' receives notifications")
        }
        defer { pinned.release() }
        let result: NotificationResult
        do {
            result = try await pinned.channel.handleNotification(notification)
        } catch let error as PaymentChannelError where error.code == .unsupported {
            throw GatewayError(.notFound, "notifications_unsupported", "channel '\(channelId)' receives no notifications")
        } catch {
            logger.warning("notification rejected", metadata: ["channel": "\(channelId)", "reason": "\(error)"])
            throw GatewayError(.badRequest, "invalid_notification", "the notification could not be verified")
        }
        for event in result.events {
            try await apply(event, channelId: channelId)
        }
        return result.reply
    }

    private func apply(_ event: ChannelEvent, channelId: String) async throws {
        let update = update(event.outcome, cause: "bank notification")
        switch event.kind {
        case .payment:
            guard let payment = try await store.payment(transactionId: event.transactionId), payment.channelId == channelId else {
                logger.warning("notification for an unknown payment", metadata: ["channel": "\(channelId)", "transaction": "\(event.transactionId)"])
                return
            }
            guard event.outcome.amount == nil || event.outcome.amount?.minorUnits == payment.amount else {
                logger.error("notification amount differs from the ledger", metadata: ["transaction": "\(payment.id)"])
                return
            }
            warnIfContradicting(payment.id, ledger: payment.status, bank: update.status)
            // Final already (the usual case: the pay answer came first): nothing to write.
            guard payment.status.canMove(to: update.status) else { return }
            _ = try await applyOutcome(update, toPayment: payment.id)
        case .refund:
            guard let refund = try await store.refund(id: event.transactionId),
                let payment = try await store.payment(id: refund.paymentId), payment.channelId == channelId
            else {
                logger.warning("notification for an unknown refund", metadata: ["channel": "\(channelId)", "transaction": "\(event.transactionId)"])
                return
            }
            warnIfContradicting(refund.id, ledger: refund.status, bank: update.status)
            guard refund.status.canMove(to: update.status) else { return }
            _ = try await store.updateRefund(id: refund.id, with: update, at: now())
        }
    }

    func warnIfContradicting(_ id: String, ledger: TransactionStatus, bank: TransactionStatus) {
        if ledger.isFinal, bank.isFinal, ledger != bank {
            logger.critical(
                "the bank contradicts a final state; needs ops review",
                metadata: ["transaction": "\(id)", "ledger": "\(ledger.rawValue)", "bank": "\(bank.rawValue)"])
        }
    }
}
