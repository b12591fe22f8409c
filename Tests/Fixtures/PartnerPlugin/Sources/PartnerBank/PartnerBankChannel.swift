import ChannelKit
import Foundation

/// One channel of the instant test bank. The configured endpoint is ignored: the "bank" is an in-memory
/// ledger owned by this channel, so payments and refunds succeed deterministically and `query` answers for
/// what this channel did in this process.
final class PartnerBankChannel: PaymentChannel {
    private let context: ChannelContext
    private let maximumAmount: Int64
    private let ledger = InstantBankLedger()

    init(context: ChannelContext, maximumAmount: Int64) throws(ChannelError) {
        let configuration = context.configuration
        for currency in configuration.currencies where currency != PartnerBankPlugin.cny {
            throw ChannelError(.invalidConfiguration, "currencies: the instant bank takes CNY only, not \(currency)")
        }
        self.context = context
        self.maximumAmount = min(maximumAmount, configuration.maximumAmountMinorUnits)
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
            return .found(.pending(reason: "unverifiable response: the bank knows another amount"))
        }
        return .found(outcome)
    }

    func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        throw ChannelError(.unsupported, "the instant test bank has no statements")
    }

    func parseStatement(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error> {
        AsyncThrowingStream { $0.finish(throwing: ChannelError(.unsupported, "the instant test bank has no statements")) }
    }

    func selfCheck() async -> SelfCheckResult {
        .passed("instant test bank: in-memory ledger, endpoint \(context.configuration.endpoint) not contacted")
    }

    private func check(_ amount: Money) throws(ChannelError) {
        guard amount.currency == PartnerBankPlugin.cny else {
            throw ChannelError(.unsupportedCurrency, "the instant bank takes CNY only, not \(amount.currency)")
        }
        try amount.validate(maximumMinorUnits: maximumAmount)
    }
}
