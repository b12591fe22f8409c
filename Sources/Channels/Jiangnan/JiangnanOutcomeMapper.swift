import ChannelKit
import Foundation
import JiangnanProtocol

/// Maps answers to outcomes, as the document's "Result codes" table says: each refusal code to the typed
/// ``DeclineReason`` its "gateway outcome" column gives, each unknown outcome to a typed ``PendingCause``.
enum JiangnanOutcomeMapper {
    /// The typed decline reason of each refusal code of a pay or refund (jiangnan.md, "Result codes").
    static let declineReasons: [String: DeclineReason] = [
        JiangnanCode.insufficientFunds: .declined,
        JiangnanCode.accountFrozen: .declined,
        JiangnanCode.refundExceedsPaid: .declined,
        JiangnanCode.duplicateMismatch: .declined,
        // "declined; not processed, another channel may be tried"
        JiangnanCode.currencyNotSupported: .refusedTryElsewhere,
        // "not processed, another channel may be tried" (only in a verified answer; see `unverifiable`)
        JiangnanCode.badSignature: .refusedTryElsewhere,
        // "declined; not processed"
        JiangnanCode.invalidParameter: .refusedTryElsewhere,
        // "not processed; retry with a fresh timestamp and nonce" (the client already retried once)
        JiangnanCode.timestampOrNonce: .refusedRetryHere,
    ]

    /// The typed pending cause of each code that leaves a pay or refund open. Any other code (3004 and 3005
    /// are answers to queries and statement requests only) is an answer the document does not give for a pay or
    /// refund: pending, unverifiable.
    static let pendingCauses: [String: PendingCause] = [
        JiangnanCode.processing: .processing,
        JiangnanCode.busy: .busy,
        JiangnanCode.systemError: .serverError,
    ]

    /// The outcome of a pay or refund request.
    static func outcome(
        of reply: JiangnanReply, expecting expectation: JiangnanExpectation, currency: Currency,
        logger: any ChannelLogger
    ) -> ChannelOutcome {
        let answer: JiangnanAnswer
        switch reply {
        case .transportFailed(let error): return ChannelOutcome(transportFailure: error)
        case .httpStatus(let status): return httpOutcome(status)
        case .unverifiable(let reason, let claimed): return unverifiable(reason, claimed)
        case .verified(let verified): answer = verified
        }
        let code = answer.code
        if code == JiangnanCode.ok {
            return dataOutcome(answer, expectation, currency, logger)
        }
        if let reason = declineReasons[code] {
            if code == JiangnanCode.badSignature {
                logger.error(
                    "the bank refused our signature (3001) in a verified answer; check merchant_no",
                    metadata: ["transaction": expectation.transactionId])
            }
            return .declined(reason, bankCode: code, message: answer.describedMessage)
        }
        if let cause = pendingCauses[code] {
            return .pending(cause, bankCode: code, message: answer.describedMessage)
        }
        logger.warning("unknown result code", metadata: ["code": code, "transaction": expectation.transactionId])
        return .pending(.unverifiable, bankCode: code, message: "unknown result code \(code): \(answer.message)")
    }

    /// The result of a query. Codes that refuse the query itself (signature, parameters, busy...) say nothing
    /// about the transaction: they are pending, never a decline.
    static func queryResult(
        of reply: JiangnanReply, expecting expectation: JiangnanExpectation, currency: Currency,
        logger: any ChannelLogger
    ) -> QueryResult {
        let answer: JiangnanAnswer
        switch reply {
        case .transportFailed(let error):
            // Nothing sent or not: a query changes nothing, the state is simply still unknown.
            return QueryResult(transportFailure: error)
        case .httpStatus(let status): return .found(httpOutcome(status))
        case .unverifiable(let reason, let claimed): return .found(unverifiable(reason, claimed))
        case .verified(let verified): answer = verified
        }
        switch answer.code {
        case JiangnanCode.ok:
            return .found(dataOutcome(answer, expectation, currency, logger))
        case JiangnanCode.notFound:
            return .notFound(bankCode: answer.code)
        default:
            if answer.code == JiangnanCode.badSignature {
                logger.error(
                    "the bank refused our signature (3001) in a verified answer; check merchant_no",
                    metadata: ["transaction": expectation.transactionId])
            }
            return .found(
                .pending(
                    pendingCauses[answer.code] ?? .unverifiable, bankCode: answer.code,
                    message: "query answered \(answer.code): \(answer.describedMessage)"))
        }
    }

    /// A non-200 answer: a 5xx is the bank's server error, anything else an answer that proves nothing.
    static func httpOutcome(_ status: Int) -> ChannelOutcome {
        .pending((500..<600).contains(status) ? .serverError : .unverifiable, message: "the bank answered HTTP \(status)")
    }

    private static func unverifiable(_ reason: String, _ claimedCode: String?) -> ChannelOutcome {
        var text = "unverifiable response: \(reason)"
        if let claimedCode { text += " (claimed code \(claimedCode))" }
        return .pending(.unverifiable, message: text)
    }

    private static func dataOutcome(
        _ answer: JiangnanAnswer, _ expectation: JiangnanExpectation, _ currency: Currency, _ logger: any ChannelLogger
    ) -> ChannelOutcome {
        guard let state = JiangnanTransactionState.decode(expectation.kind, envelope: answer.body) else {
            logger.warning("verified 0000 answer without readable data", metadata: ["transaction": expectation.transactionId])
            return .pending(.unverifiable, bankCode: answer.code, message: "unverifiable response: data missing or malformed")
        }
        if let mismatch = expectation.mismatch(state) {
            logger.warning(
                "bank answer does not name the transaction asked about",
                metadata: ["transaction": expectation.transactionId, "mismatch": mismatch])
            return .pending(.unverifiable, bankCode: answer.code, message: "unverifiable response: \(mismatch)")
        }
        return state.outcome(currency: currency, bankCode: answer.code, logger: logger)
    }
}
