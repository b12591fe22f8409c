import ChannelKit
import Foundation

extension PaymentService {
    /// Creates a refund, idempotent on (merchant, merchant refund id) as payments are on their order id.
    func createRefund(_ request: NewRefund) async throws -> Created<RefundRecord> {
        if let existing = try await store.refund(merchantId: request.merchantId, merchantRefundId: request.merchantRefundId) {
            // Nothing is inserted: the request's nonce is recorded on its own, before any answer.
            try await request.nonce?.record(in: store)
            return Created(record: try await settled(try replay(existing, request)), isNew: false)
        }
        guard let payment = try await store.payment(id: request.paymentId), payment.merchantId == request.merchantId else {
            throw GatewayError.paymentNotFound()
        }
        guard let currency = Currency(code: payment.currency) else { throw GatewayError.internalError }
        let timestamp = now()
        let record = RefundRecord(
            id: ids.make(prefix: "ref_", now: timestamp), paymentId: payment.id, merchantId: request.merchantId,
            merchantRefundId: request.merchantRefundId, amount: request.amount, currency: payment.currency,
            reason: request.reason, status: .processing, bankTransactionId: nil, bankCode: nil, bankMessage: nil,
            notProcessed: false, createdAt: timestamp, updatedAt: timestamp, finishedAt: nil)
        switch try await store.insertRefund(record, checkAt: timestamp + callWindow(payment.channelId), nonce: request.nonce) {
        case .replayedNonce:
            throw AuthError.replayedNonce
        case .existing(let existing):
            return Created(record: try await settled(try replay(existing, request)), isNew: false)
        case .paymentNotRefundable(let current):
            throw GatewayError.notRefundable(
                "payment \(current.id) is \(current.status.rawValue); only succeeded payments can be refunded")
        case .exceedsRemaining(let remaining):
            throw GatewayError.refundExceedsRemaining(remaining, payment.currency)
        case .inserted(let stored):
            let outcome = await callBank(payment.channelId, operation: "refund") { channel in
                try await channel.refund(
                    RefundRequest(
                        transactionId: stored.id, paymentTransactionId: payment.transactionId,
                        paymentBankTransactionId: payment.bankTransactionId,
                        amount: Money(minorUnits: request.amount, currency: currency),
                        paymentAmount: Money(minorUnits: payment.amount, currency: currency), reason: request.reason))
            }
            if let entry = registry.channel(payment.channelId) {
                registry.breakers.record(outcome, channel: entry.id, settings: entry.breakerSettings, probe: false, now: now())
            }
            let updated = try await store.updateRefund(id: stored.id, with: update(outcome, cause: "refund answer"), at: now())
            return Created(record: updated ?? stored, isNew: true)
        }
    }

    func refund(id: String, merchantId: String) async throws -> RefundRecord {
        guard let refund = try await store.refund(id: id), refund.merchantId == merchantId else {
            throw GatewayError.refundNotFound()
        }
        return refund
    }

    private func replay(_ existing: RefundRecord, _ request: NewRefund) throws -> RefundRecord {
        guard existing.paymentId == request.paymentId, existing.amount == request.amount else {
            throw GatewayError.idempotencyConflict(
                "merchant_refund_id '\(request.merchantRefundId)' was already used for a different payment or amount")
        }
        return existing
    }

    private func settled(_ refund: RefundRecord) async throws -> RefundRecord {
        guard refund.status == .processing else { return refund }
        let channelId = try await store.payment(id: refund.paymentId)?.channelId ?? ""
        let id = refund.id
        return try await InFlightWait.until(limit: inFlightWait(channelId), current: refund) {
            try await store.refund(id: id)
        } isSettled: { $0.status != .processing }
    }
}
