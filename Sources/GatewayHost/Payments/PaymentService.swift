import ChannelKit
import Foundation
import Logging

/// The payments core: the one place that changes a payment's or refund's state.
///
/// Pay flow: idempotency lookup → channel choice → the payment row (processing, chosen channel, the
/// transaction id the bank will see) is durable → the plugin is called → its outcome is stored as a
/// transition → the stored payment is the answer. A crash between two steps leaves a row that a query
/// resolves.
struct PaymentService: Sendable {
    var store: any PaymentStore
    var registry: ChannelRegistry
    var ids = TransactionIdGenerator()
    var logger: Logger
    var now: @Sendable () -> Date = { Date() }

    // MARK: payments

    func createPayment(_ request: NewPayment) async throws -> Created<PaymentRecord> {
        // A replay is answered from the ledger before any channel is chosen: the channel may have gone offline
        // since, and the stored answer must still come back. `insertPayment` checks again inside its write
        // transaction, which is what makes concurrent first requests safe.
        if let existing = try await store.payment(merchantId: request.merchantId, merchantOrderId: request.merchantOrderId) {
            return Created(record: try replay(existing, request), isNew: false)
        }
        let channel = try chooseChannel(request)
        let timestamp = now()
        let record = PaymentRecord(
            id: ids.make(prefix: "pay_", now: timestamp), merchantId: request.merchantId,
            merchantOrderId: request.merchantOrderId, channelId: channel.id, amount: request.amount.minorUnits,
            currency: request.amount.currency.code, subject: request.subject, notifyURL: request.notifyURL,
            metadata: request.metadata, status: .processing, bankTransactionId: nil, bankCode: nil, bankMessage: nil,
            notProcessed: false, createdAt: timestamp, updatedAt: timestamp, finishedAt: nil)
        switch try await store.insertPayment(record) {
        case .existing(let existing):
            return Created(record: try replay(existing, request), isNew: false)
        case .inserted(let stored):
            let outcome = await callBank(channel.id, operation: "pay") { channel in
                try await channel.pay(
                    PayRequest(transactionId: stored.id, amount: request.amount, subject: request.subject))
            }
            let updated = try await store.updatePayment(
                id: stored.id, with: OutcomeUpdate(outcome, cause: "pay answer", now: now()), at: now())
            return Created(record: updated ?? stored, isNew: true)
        }
    }

    /// A payment of this merchant; pending (or stale processing) ones are first queried at the bank.
    func payment(id: String, merchantId: String) async throws -> PaymentRecord {
        guard let payment = try await store.payment(id: id), payment.merchantId == merchantId else {
            throw GatewayError.paymentNotFound()
        }
        return try await refreshed(payment)
    }

    func payment(merchantOrderId: String, merchantId: String) async throws -> PaymentRecord {
        guard let payment = try await store.payment(merchantId: merchantId, merchantOrderId: merchantOrderId) else {
            throw GatewayError.paymentNotFound()
        }
        return try await refreshed(payment)
    }

    func refundTotals(paymentId: String) async throws -> (committed: Int64, succeeded: Int64) {
        try await store.refundTotals(paymentId: paymentId)
    }

    func transitions(_ id: String) async throws -> [TransitionRecord] {
        try await store.transitions(transactionId: id)
    }

    private func refreshed(_ payment: PaymentRecord) async throws -> PaymentRecord {
        guard
            let outcome = await queryIfOpen(
                payment.id, .payment, status: payment.status, updatedAt: payment.updatedAt, amount: payment.amount,
                currency: payment.currency, channelId: payment.channelId)
        else { return payment }
        return try await store.updatePayment(id: payment.id, with: OutcomeUpdate(outcome, cause: "query", now: now()), at: now())
            ?? payment
    }

    private func replay(_ existing: PaymentRecord, _ request: NewPayment) throws -> PaymentRecord {
        var differences: [String] = []
        if existing.amount != request.amount.minorUnits { differences.append("amount") }
        if existing.currency != request.amount.currency.code { differences.append("currency") }
        if let channel = request.channelId, channel != existing.channelId { differences.append("channel") }
        guard differences.isEmpty else {
            throw GatewayError.idempotencyConflict(
                "merchant_order_id '\(request.merchantOrderId)' was already used with a different "
                    + differences.joined(separator: ", "))
        }
        return existing
    }

    private func chooseChannel(_ request: NewPayment) throws -> ChannelEntry {
        let currency = request.amount.currency
        let entry: ChannelEntry
        if let id = request.channelId {
            guard let found = registry.channel(id) else { throw GatewayError.unknownChannel(id) }
            guard found.online else { throw GatewayError.channelOffline(id) }
            guard found.state == .ready, found.channel != nil else { throw GatewayError.channelUnavailable(id) }
            guard found.currencies.contains(currency) else {
                throw GatewayError.unsupportedCurrency("channel '\(id)' does not accept \(currency.code)")
            }
            entry = found
        } else {
            guard let found = registry.route(currency: currency) else { throw GatewayError.noChannel(currency.code) }
            entry = found
        }
        guard request.amount.minorUnits <= entry.maximumAmount else {
            throw GatewayError.amountTooLarge(
                "amount \(request.amount.minorUnits) exceeds channel '\(entry.id)' maximum of \(entry.maximumAmount) minor units")
        }
        return entry
    }

    // MARK: refunds

    func createRefund(_ request: NewRefund) async throws -> Created<RefundRecord> {
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
        switch try await store.insertRefund(record, paymentAmount: payment.amount) {
        case .existing(let existing):
            guard existing.paymentId == request.paymentId, existing.amount == request.amount else {
                throw GatewayError.idempotencyConflict(
                    "merchant_refund_id '\(request.merchantRefundId)' was already used for a different payment or amount")
            }
            return Created(record: existing, isNew: false)
        case .paymentNotRefundable(let current):
            throw GatewayError.notRefundable("payment \(current.id) is \(current.status.rawValue); only succeeded payments can be refunded")
        case .exceedsRemaining(let remaining):
            throw GatewayError.refundExceedsRemaining(remaining, payment.currency)
        case .inserted(let stored):
            let outcome = await callBank(payment.channelId, operation: "refund") { channel in
                try await channel.refund(
                    RefundRequest(
                        transactionId: stored.id, paymentTransactionId: payment.id,
                        paymentBankTransactionId: payment.bankTransactionId,
                        amount: Money(minorUnits: request.amount, currency: currency),
                        paymentAmount: Money(minorUnits: payment.amount, currency: currency), reason: request.reason))
            }
            let updated = try await store.updateRefund(
                id: stored.id, with: OutcomeUpdate(outcome, cause: "refund answer", now: now()), at: now())
            return Created(record: updated ?? stored, isNew: true)
        }
    }

    func refund(id: String, merchantId: String) async throws -> RefundRecord {
        guard let refund = try await store.refund(id: id), refund.merchantId == merchantId else {
            throw GatewayError.refundNotFound()
        }
        guard let payment = try await store.payment(id: refund.paymentId),
            let outcome = await queryIfOpen(
                refund.id, .refund, status: refund.status, updatedAt: refund.updatedAt, amount: refund.amount,
                currency: refund.currency, channelId: payment.channelId)
        else { return refund }
        return try await store.updateRefund(id: refund.id, with: OutcomeUpdate(outcome, cause: "query", now: now()), at: now())
            ?? refund
    }

    // MARK: notifications

    /// Hands a raw bank notification to its channel; applies each verified event idempotently.
    func handleNotification(channelId: String, _ notification: InboundNotification) async throws -> HTTPResponseMessage {
        guard let entry = registry.channel(channelId), let channel = entry.channel else {
            throw GatewayError(.notFound, "unknown_channel", "no channel '\(channelId.prefix(64))' receives notifications")
        }
        let result: NotificationResult
        do {
            result = try await channel.handleNotification(notification)
        } catch let error as ChannelError where error.code == .unsupported {
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
        let update = OutcomeUpdate(event.outcome, cause: "bank notification", now: now())
        switch event.kind {
        case .payment:
            guard let payment = try await store.payment(id: event.transactionId), payment.channelId == channelId else {
                logger.warning("notification for an unknown payment", metadata: ["channel": "\(channelId)", "transaction": "\(event.transactionId)"])
                return
            }
            guard event.outcome.amount == nil || event.outcome.amount?.minorUnits == payment.amount else {
                logger.error("notification amount differs from the ledger", metadata: ["transaction": "\(payment.id)"])
                return
            }
            if payment.status.isFinal, payment.status != update.status {
                logger.error(
                    "notification contradicts a final state",
                    metadata: ["transaction": "\(payment.id)", "ledger": "\(payment.status.rawValue)", "bank": "\(update.status.rawValue)"])
            }
            _ = try await store.updatePayment(id: payment.id, with: update, at: now())
        case .refund:
            guard let refund = try await store.refund(id: event.transactionId),
                let payment = try await store.payment(id: refund.paymentId), payment.channelId == channelId
            else {
                logger.warning("notification for an unknown refund", metadata: ["channel": "\(channelId)", "transaction": "\(event.transactionId)"])
                return
            }
            _ = try await store.updateRefund(id: refund.id, with: update, at: now())
        }
    }

    // MARK: bank calls

    private func needsQuery(_ status: TransactionStatus, updatedAt: Date, channelId: String) -> Bool {
        switch status {
        case .pending: return true
        case .processing:
            // A processing row is being called right now, or the gateway stopped while calling: query only
            // once the call must be over.
            let limit = registry.channel(channelId).map { Double($0.timeouts.request.components.seconds) + 5 } ?? 30
            return now().timeIntervalSince(updatedAt) > limit
        case .succeeded, .declined: return false
        }
    }

    /// Calls the bank. A thrown error is a problem on our side before or during the call: never a decline
    /// unless the channel says nothing was sent.
    private func callBank(
        _ channelId: String, operation: String, _ body: @Sendable (any PaymentChannel) async throws -> ChannelOutcome
    ) async -> ChannelOutcome {
        guard let channel = registry.channel(channelId)?.channel else {
            return .notSent(reason: "channel \(channelId) is not loaded")
        }
        do {
            return try await body(channel)
        } catch let error as ChannelError {
            logger.error("channel refused the request", metadata: ["channel": "\(channelId)", "operation": "\(operation)", "error": "\(error)"])
            return ChannelOutcome(status: .declined, bankCode: error.code.rawValue, bankMessage: error.message, notProcessed: true)
        } catch {
            logger.error("channel call failed; outcome unknown", metadata: ["channel": "\(channelId)", "operation": "\(operation)", "error": "\(error)"])
            return .pending(reason: "channel error: \(error)")
        }
    }

    /// For an open (pending, or stale processing) transaction: the bank's current answer; nil when there is
    /// nothing to ask or nothing new was learned.
    private func queryIfOpen(
        _ id: String, _ kind: TransactionKind, status: TransactionStatus, updatedAt: Date, amount: Int64,
        currency: String, channelId: String
    ) async -> ChannelOutcome? {
        guard needsQuery(status, updatedAt: updatedAt, channelId: channelId), let currency = Currency(code: currency)
        else { return nil }
        return await queryBank(
            channelId, QueryRequest(transactionId: id, kind: kind, expectedAmount: Money(minorUnits: amount, currency: currency)))
    }

    private func queryBank(_ channelId: String, _ query: QueryRequest) async -> ChannelOutcome? {
        guard let channel = registry.channel(channelId)?.channel else { return nil }
        do {
            let result = try await channel.query(query)
            // "Not found" proves nothing until the bank's finality window has passed; recovery decides that.
            return result.outcome
        } catch {
            logger.warning("query failed", metadata: ["channel": "\(channelId)", "transaction": "\(query.transactionId)", "error": "\(error)"])
            return nil
        }
    }
}
