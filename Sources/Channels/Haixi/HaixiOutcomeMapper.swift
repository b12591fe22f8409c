import ChannelKit
import HaixiProtocol

/// Maps answers to outcomes as the document's "RespCode" table says: each refusal code to the typed
/// ``DeclineReason`` its "gateway outcome" column gives, each open answer to a typed ``PendingCause``.
enum HaixiOutcomeMapper {
    /// The typed decline reason of each refusal code of a pay or refund (haixi.md, "RespCode").
    static let declineReasons: [String: DeclineReason] = [
        HaixiCode.insufficientBalance: .declined,
        HaixiCode.accountAbnormal: .declined,
        HaixiCode.refundOverOriginal: .declined,
        HaixiCode.duplicateSerialMismatch: .declined,
        // "declined, safe to try another channel"
        HaixiCode.signatureFailed: .refusedTryElsewhere,
        HaixiCode.formatError: .refusedTryElsewhere,
    ]

    /// The typed pending cause of each code that leaves a pay or refund open. Any other code (300004 and
    /// 300005 answer queries and statement requests only) is an answer the document does not give for a pay
    /// or refund: pending, unverifiable.
    static let pendingCauses: [String: PendingCause] = [
        HaixiCode.processing: .processing,
        HaixiCode.busy: .busy,
    ]

    /// The outcome of a pay or refund message.
    static func outcome(
        of reply: HaixiReply, expecting expectation: HaixiExpectation, currency: Currency, logger: any ChannelLogger
    ) -> ChannelOutcome {
        let answer: HaixiAnswer
        switch reply {
        case .transportFailed(let error): return ChannelOutcome(transportFailure: error)
        case .httpStatus(let status): return httpOutcome(status)
        case .unverifiable(let reason, let claimed): return unverifiable(reason, claimed)
        case .verified(let verified): answer = verified
        }
        let code = answer.code
        if code == HaixiCode.accepted {
            return stateOutcome(answer, expectation, currency, logger)
        }
        if let reason = declineReasons[code] {
            if code == HaixiCode.signatureFailed {
                logger.error(
                    "the bank refused our signature (300001) in a verified answer; check mer_id and keys",
                    metadata: ["transaction": expectation.transactionId])
            }
            return .declined(reason, bankCode: code, message: answer.describedMessage)
        }
        if let cause = pendingCauses[code] {
            // A processing answer may already name the bank's id (the simulator's and the document's Body do).
            let bankId = answer.body[HaixiElement.bankSerialNo].flatMap { HaixiStatement.isBankSerial($0) ? $0 : nil }
            return .pending(cause, bankCode: code, message: answer.describedMessage, bankTransactionId: bankId)
        }
        logger.warning("unexpected RespCode", metadata: ["code": code, "transaction": expectation.transactionId])
        return .pending(.unverifiable, bankCode: code, message: "unexpected RespCode \(code): \(answer.describedMessage)")
    }

    /// The result of a query. Codes that refuse the query itself (signature, format, busy...) say nothing
    /// about the transaction: they are pending, never a decline; `300004` is "not found".
    static func queryResult(
        of reply: HaixiReply, expecting expectation: HaixiExpectation, currency: Currency, logger: any ChannelLogger
    ) -> QueryResult {
        let answer: HaixiAnswer
        switch reply {
        case .transportFailed(let error): return QueryResult(transportFailure: error)
        case .httpStatus(let status): return .found(httpOutcome(status))
        case .unverifiable(let reason, let claimed): return .found(unverifiable(reason, claimed))
        case .verified(let verified): answer = verified
        }
        switch answer.code {
        case HaixiCode.accepted:
            return .found(stateOutcome(answer, expectation, currency, logger))
        case HaixiCode.notFound:
            return .notFound(bankCode: answer.code)
        default:
            if answer.code == HaixiCode.signatureFailed {
                logger.error(
                    "the bank refused our signature (300001) in a verified answer; check mer_id and keys",
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

    private static func stateOutcome(
        _ answer: HaixiAnswer, _ expectation: HaixiExpectation, _ currency: Currency, _ logger: any ChannelLogger
    ) -> ChannelOutcome {
        let state: HaixiTransactionState
        switch HaixiTransactionState.read(answer.body) {
        case .success(let read): state = read
        case .failure(let problem):
            logger.warning(
                "verified 000000 answer with an unreadable Body",
                metadata: ["transaction": expectation.transactionId, "problem": problem.description])
            return .pending(.unverifiable, bankCode: answer.code, message: "unverifiable response: \(problem)")
        }
        if let mismatch = expectation.mismatch(state) {
            logger.warning(
                "bank answer does not name the transaction asked about",
                metadata: ["transaction": expectation.transactionId, "mismatch": mismatch])
            return .pending(.unverifiable, bankCode: answer.code, message: "unverifiable response: \(mismatch)")
        }
        return state.outcome(currency: currency, bankCode: answer.code)
    }
}
