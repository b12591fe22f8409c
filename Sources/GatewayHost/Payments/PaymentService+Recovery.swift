import ChannelKit
import Foundation
import Logging

/// What one recovery check did.
enum CheckResult: Sendable, Equatable {
    /// The transaction reached a final state (or moved processing → pending).
    case moved(TransactionStatus)
    /// Nothing final was learned; checked again later.
    case rescheduled
    /// Another process took the check, or the row changed meanwhile.
    case skipped
}

extension PaymentService {
    /// Resolves one open transaction by asking its channel.
    ///
    /// - The bank's definite answer (succeeded, declined) is stored.
    /// - An ambiguous answer, a failed query, or "not found" inside the bank's finality window: the
    ///   transaction stays open (a processing one becomes pending, so merchants see that its outcome is
    ///   unknown) and is checked again on the schedule. Nothing is guessed.
    /// - "Not found" once the bank's finality window (`notFoundFinalAfterSeconds` of the plugin) has passed
    ///   since it was created: the bank never processed it; declined, marked not processed.
    func check(_ open: OpenTransaction) async throws -> CheckResult {
        let lease = now() + callWindow(open.channelId)
        guard try await store.claimCheck(open, until: lease) else { return .skipped }
        guard let pinned = registry.pin(open.channelId) else {
            try await store.rescheduleCheck(open, attempts: open.attempts + 1, next: now() + recoveryDelay(after: open.attempts))
            return .rescheduled
        }
        defer { pinned.release() }
        let entry = pinned.entry
        let channel = pinned.channel
        guard let currency = Currency(code: open.currency) else {
            try await store.rescheduleCheck(open, attempts: open.attempts + 1, next: now() + recoveryDelay(after: open.attempts))
            return .rescheduled
        }
        let result: QueryResult?
        let started = ContinuousClock.now
        do {
            result = try await channel.query(
                QueryRequest(
                    transactionId: open.transactionId, kind: open.kind, expectedAmount: Money(minorUnits: open.amount, currency: currency)))
        } catch {
            logger.warning("recovery query failed", metadata: ["channel": "\(open.channelId)", "transaction": "\(open.id)", "error": "\(error)"])
            result = nil
        }
        OutcomeMetrics.recordQuery(result, channel: open.channelId, duration: ContinuousClock.now - started)
        var outcome = result?.outcome.map { Self.queryOutcome($0, transactionId: open.id, logger: logger) }
        var cause = "recovery query"
        if let result, result.outcome == nil, let code = result.notFoundCode {
            let window = TimeInterval(entry.capabilities?.notFoundFinalAfterSeconds ?? Int.max / 2)
            if now().timeIntervalSince(open.createdAt) >= window {
                // The bank's own rule proves it never processed the request, and never will.
                outcome = .declined(
                    .refusedTryElsewhere, bankCode: code,
                    message: "not found at the bank after its \(Int(window)) s finality window")
                cause = "recovery: not found after the finality window"
            }
        }
        if let outcome, outcome.status != .pending {
            return try await move(open, update(outcome, cause: cause))
        }
        if open.status == .processing {
            // The call that stored this row ended without an answer (the gateway stopped, or the answer was lost).
            let pending = outcome ?? .pending(.interrupted, message: "bank call outcome unknown")
            return try await move(open, update(pending, cause: "recovery: call outcome unknown", attempts: open.attempts + 1))
        }
        try await store.rescheduleCheck(open, attempts: open.attempts + 1, next: now() + recoveryDelay(after: open.attempts + 1))
        return .rescheduled
    }

    private func move(_ open: OpenTransaction, _ update: OutcomeUpdate) async throws -> CheckResult {
        switch open.kind {
        case .payment:
            let stored = try await applyOutcome(update, toPayment: open.id)
            if let stored { warnIfContradicting(open.id, ledger: stored.status, bank: update.status) }
            return stored?.status == update.status ? .moved(update.status) : .skipped
        case .refund:
            let stored = try await store.updateRefund(id: open.id, with: update, at: now())
            return stored?.status == update.status ? .moved(update.status) : .skipped
        }
    }

    /// A query's outcome as the transaction's state. "Not sent" describes the query, never the transaction
    /// asked about (which may have been charged): it stays pending, the bank unreachable. Every other outcome is
    /// the bank's word on the transaction.
    static func queryOutcome(_ outcome: ChannelOutcome, transactionId: String, logger: Logger) -> ChannelOutcome {
        guard outcome.status == .declined, outcome.declineReason == .notSent else { return outcome }
        logger.warning(
            "a query answered 'not sent': the query did not reach the bank; the transaction stays open",
            metadata: ["transaction": "\(transactionId)", "message": "\(outcome.bankMessage ?? "")"])
        return .pending(.unreachable, bankCode: outcome.bankCode, message: "query not sent: \(outcome.bankMessage ?? "")")
    }
}
