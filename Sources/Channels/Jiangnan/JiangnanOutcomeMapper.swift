import ChannelKit
import Foundation
import JiangnanProtocol

/// Maps verified answers to outcomes, as the document's "Result codes" table says.
enum JiangnanOutcomeMapper {
    /// The outcome of a pay or refund request.
    static func outcome(
        of reply: JiangnanReply, expecting expectation: JiangnanExpectation, currency: Currency,
        logger: any ChannelLogger
    ) -> ChannelOutcome {
        let answer: JiangnanAnswer
        switch reply {
        case .transportFailed(let error): return transportOutcome(error)
        case .unverifiable(let reason, let claimed): return unverifiable(reason, claimed)
        case .verified(let verified): answer = verified
        }
        let code = answer.code
        switch code {
        case JiangnanCode.ok:
            return dataOutcome(answer, expectation, currency, logger)
        case JiangnanCode.processing:
            return .pending(reason: "processing", bankCode: code)
        case JiangnanCode.insufficientFunds, JiangnanCode.accountFrozen, JiangnanCode.refundExceedsPaid,
            JiangnanCode.duplicateMismatch:
            return .declined(bankCode: code, message: answer.describedMessage)
        case JiangnanCode.currencyNotSupported, JiangnanCode.badSignature, JiangnanCode.timestampOrNonce,
            JiangnanCode.invalidParameter:
            if code == JiangnanCode.badSignature {
                logger.error(
                    "the bank refused our signature (3001) in a verified answer; check merchant_no",
                    metadata: ["transaction": expectation.transactionId])
            }
            return .declined(bankCode: code, message: answer.describedMessage, notProcessed: true)
        case JiangnanCode.notFound:
            return .declined(bankCode: code, message: JiangnanCode.message(for: code))
        case JiangnanCode.busy, JiangnanCode.systemError:
            return .pending(reason: answer.describedMessage, bankCode: code)
        default:
            logger.warning("unknown result code", metadata: ["code": code, "transaction": expectation.transactionId])
            return .pending(reason: "unknown result code \(code): \(answer.message)", bankCode: code)
        }
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
            return .found(.pending(reason: "query failed: \(error)", bankCode: error.kind.rawValue))
        case .unverifiable(let reason, let claimed): return .found(unverifiable(reason, claimed))
        case .verified(let verified): answer = verified
        }
        switch answer.code {
        case JiangnanCode.ok:
            return .found(dataOutcome(answer, expectation, currency, logger))
        case JiangnanCode.processing:
            return .found(.pending(reason: "processing", bankCode: answer.code))
        case JiangnanCode.notFound:
            return .notFound(bankCode: answer.code)
        default:
            if answer.code == JiangnanCode.badSignature {
                logger.error(
                    "the bank refused our signature (3001) in a verified answer; check merchant_no",
                    metadata: ["transaction": expectation.transactionId])
            }
            return .found(
                .pending(reason: "query answered \(answer.code): \(answer.describedMessage)", bankCode: answer.code))
        }
    }

    /// A transport failure: not sent → declined and not processed; anything else → pending.
    static func transportOutcome(_ error: TransportError) -> ChannelOutcome {
        if error.kind == .notSent { return .notSent(reason: error.message) }
        return .pending(reason: "transport: \(error.description)", bankCode: error.kind.rawValue)
    }

    private static func unverifiable(_ reason: String, _ claimedCode: String?) -> ChannelOutcome {
        var text = "unverifiable response: \(reason)"
        if let claimedCode { text += " (claimed code \(claimedCode))" }
        return .pending(reason: text)
    }

    private static func dataOutcome(
        _ answer: JiangnanAnswer, _ expectation: JiangnanExpectation, _ currency: Currency, _ logger: any ChannelLogger
    ) -> ChannelOutcome {
        guard let state = JiangnanTransactionState.decode(expectation.kind, envelope: answer.body) else {
            logger.warning("verified 0000 answer without readable data", metadata: ["transaction": expectation.transactionId])
            return .pending(reason: "unverifiable response: data missing or malformed", bankCode: answer.code)
        }
        if let mismatch = expectation.mismatch(state) {
            logger.warning(
                "bank answer does not name the transaction asked about",
                metadata: ["transaction": expectation.transactionId, "mismatch": mismatch])
            return .pending(reason: "unverifiable response: \(mismatch)", bankCode: answer.code)
        }
        return state.outcome(currency: currency, bankCode: answer.code, logger: logger)
    }
}
