import ChannelKit
import Foundation

/// One channel of the instant test bank. The configured endpoint is ignored: the "bank" is an in-memory
/// ledger owned by this channel, so payments and refunds succeed deterministically and `query` answers for
/// what this channel did in this process.
///
/// It implements only `pay`, `refund` and `query`: the bank has no statements, sends no notifications and
/// offers no credentials check, so ChannelKit's defaults serve the rest (and the gateway shows its self-check
/// as "not checked"). This file compiling is the proof that a partner needs nothing more.
final class PartnerBankChannel: PaymentChannel {
    private let context: ChannelContext
    private let ledger = InstantBankLedger()

    init(context: ChannelContext) throws(PaymentChannelError) {
        self.context = context
        let token = context.configuration.optionalCredential(PartnerBankPlugin.apiTokenCredential)
        context.logger.info(
            "instant bank channel created",
            metadata: ["api_token": token == nil ? "absent" : "present", "rotating": token?.next == nil ? "no" : "yes"])
    }

    func pay(_ request: PayRequest) async throws -> ChannelOutcome {
        try check(request.amount)
        let outcome = await ledger.pay(request, at: context.clock.now())
        context.logger.info(
            "instant bank answered a payment",
            metadata: ["transaction_id": request.transactionId, "status": outcome.status.rawValue])
        return outcome
    }

    func refund(_ request: RefundRequest) async throws -> ChannelOutcome {
        try check(request.amount)
        let outcome = await ledger.refund(request, at: context.clock.now())
        context.logger.info(
            "instant bank answered a refund",
            metadata: ["transaction_id": request.transactionId, "status": outcome.status.rawValue])
        return outcome
    }

    func query(_ request: QueryRequest) async throws -> QueryResult {
        guard let outcome = await ledger.outcome(of: request.transactionId, kind: request.kind) else {
            return .notFound(bankCode: InstantBankLedger.notFoundCode)
        }
        guard outcome.amount == nil || outcome.amount == request.expectedAmount else {
            return .found(.pending(.unverifiable, message: "the bank knows another amount"))
        }
        return .found(outcome)
    }

    /// The gateway already enforced the channel's bounds; checking again costs nothing.
    private func check(_ amount: Money) throws(PaymentChannelError) {
        try amount.validate(within: context.configuration.currencies)
    }
}
