import ChannelKit
import Foundation
import MinbeiProtocol

/// What the channel asked about: the answer must name it.
struct MinbeiExpectation: Sendable {
    /// A payment (`order_no`, `amount`) or a refund (`refund_no`, `refund_amount`).
    let kind: TransactionKind
    /// Our order or refund number.
    let transactionId: String
    /// The amount in fen.
    let amount: Int64
}

/// Maps answers to outcomes, as the document's `resp_code` table says.
enum MinbeiOutcomeMapper {
    /// The typed decline of each refusal code of a pay or refund (minbei.md, "resp_code").
    static let declineReasons: [String: DeclineReason] = [
        MinbeiCode.doNotHonour: .declined,
        MinbeiCode.insufficientFunds: .declined,
        // "declined, safe to try another channel"
        MinbeiCode.exceedsAmountLimit: .refusedTryElsewhere,
        // "declined, safe to try another channel" (only in a verified answer: an unverifiable A0 is pending)
        MinbeiCode.signatureError: .refusedTryElsewhere,
    ]

    /// The typed pending cause of each code that leaves a pay or refund open.
    static let pendingCauses: [String: PendingCause] = [
        MinbeiCode.inProcess: .processing,
        MinbeiCode.issuerUnavailable: .busy,
        MinbeiCode.systemMalfunction: .serverError,
    ]

    /// The outcome of a pay or refund answer. A verified `94` is not mapped here: the channel queries the
    /// original (see ``isDuplicate(_:)``).
    static func outcome(of reply: MinbeiReply, expecting expectation: MinbeiExpectation, currency: Currency, logger: any ChannelLogger)
        -> ChannelOutcome
    {
        let answer: MinbeiAnswer
        switch reply {
        case .transportFailed(let error): return ChannelOutcome(transportFailure: error)
        case .httpStatus(let status): return httpOutcome(status)
        case .unverifiable(let reason, let claimed): return unverifiable(reason, claimed)
        case .verified(let verified): answer = verified
        }
        let code = answer.code
        if code == MinbeiCode.success {
            return successOutcome(answer, expectation, currency, logger)
        }
        if let reason = declineReasons[code] {
            if code == MinbeiCode.signatureError {
                logger.error(
                    "the bank refused our signature (A0) in a verified answer; check mer_id",
                    metadata: ["transaction": expectation.transactionId])
            }
            return .declined(reason, bankCode: code, message: answer.describedMessage)
        }
        if let cause = pendingCauses[code] {
            return .pending(cause, bankCode: code, message: answer.describedMessage)
        }
        logger.warning("unexpected resp_code", metadata: ["code": code, "transaction": expectation.transactionId])
        return .pending(.unverifiable, bankCode: code, message: "unexpected resp_code \(code): \(answer.message)")
    }

    /// Whether a pay or refund was answered with a verified `94`: the id is known, the original is queried.
    static func isDuplicate(_ reply: MinbeiReply) -> Bool {
        if case .verified(let answer) = reply { return answer.code == MinbeiCode.duplicateOrder }
        return false
    }

    /// The result of a query. Codes that refuse the query itself (signature, busy…) say nothing about the
    /// transaction: pending, never a decline.
    static func queryResult(
        of reply: MinbeiReply, expecting expectation: MinbeiExpectation, currency: Currency, logger: any ChannelLogger
    ) -> QueryResult {
        let answer: MinbeiAnswer
        switch reply {
        case .transportFailed(let error): return QueryResult(transportFailure: error)
        case .httpStatus(let status): return .found(httpOutcome(status))
        case .unverifiable(let reason, let claimed): return .found(unverifiable(reason, claimed))
        case .verified(let verified): answer = verified
        }
        switch answer.code {
        case MinbeiCode.success:
            return .found(queriedOutcome(answer, expectation, currency, logger))
        case MinbeiCode.notFound:
            return .notFound(bankCode: answer.code)
        default:
            if answer.code == MinbeiCode.signatureError {
                logger.error(
                    "the bank refused our signature (A0) in a verified answer; check mer_id",
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

    static func unverifiable(_ reason: String, _ claimedCode: String?) -> ChannelOutcome {
        var text = "unverifiable response: \(reason)"
        if let claimedCode { text += " (claimed resp_code \(claimedCode))" }
        return .pending(.unverifiable, message: text)
    }

    /// A `00` pay or refund answer: it must name our id and amount, with a 20-digit `bank_seq`.
    private static func successOutcome(
        _ answer: MinbeiAnswer, _ expectation: MinbeiExpectation, _ currency: Currency, _ logger: any ChannelLogger
    ) -> ChannelOutcome {
        let isRefund = expectation.kind == .refund
        let id = answer[isRefund ? MinbeiField.refundNo : MinbeiField.orderNo]
        let amountText = answer[isRefund ? MinbeiField.refundAmount : MinbeiField.amount]
        let sequence = answer[MinbeiField.bankSequence]
        let problem: String? =
            if id != expectation.transactionId {
                "answer names \(isRefund ? "refund_no" : "order_no") '\(id)', not '\(expectation.transactionId)'"
            } else if let amount = MinbeiAmount.minorUnits(amountText) {
                amount == expectation.amount ? nil : "answer amount \(amountText) is not the amount sent"
            } else {
                "answer amount '\(amountText)' is not a yuan amount with two decimals"
            }
        if let problem {
            logger.warning("bank answer does not match the request", metadata: ["transaction": expectation.transactionId, "mismatch": problem])
            return .pending(.unverifiable, bankCode: answer.code, message: "unverifiable response: \(problem)")
        }
        guard MinbeiRules.isBankSequence(sequence) else {
            return .pending(.unverifiable, bankCode: answer.code, message: "unverifiable response: bank_seq is not 20 digits")
        }
        // A refund answer carries no trans_time; a malformed one on a pay is ignored rather than guessed.
        let finished = MinbeiTime.unixSeconds(compact: answer[MinbeiField.transTime]).map {
            Date(timeIntervalSince1970: TimeInterval($0))
        }
        return .succeeded(
            bankTransactionId: sequence, amount: Money(minorUnits: expectation.amount, currency: currency),
            finishedAt: finished, bankCode: answer.code)
    }

    /// A `00` query answer: `trans_type`, the id and the amount must match; `trans_status` gives the outcome.
    private static func queriedOutcome(
        _ answer: MinbeiAnswer, _ expectation: MinbeiExpectation, _ currency: Currency, _ logger: any ChannelLogger
    ) -> ChannelOutcome {
        let isRefund = expectation.kind == .refund
        let type = answer[MinbeiField.transType]
        let id = answer[isRefund ? MinbeiField.refundNo : MinbeiField.orderNo]
        let amountText = answer[MinbeiField.amount]
        let sequence = answer[MinbeiField.bankSequence]
        let problem: String? =
            if type != (isRefund ? MinbeiService.refundType : MinbeiService.payType) {
                "query answer trans_type '\(type)' is not the kind asked about"
            } else if id != expectation.transactionId {
                "query answer names '\(id)', not '\(expectation.transactionId)'"
            } else if let amount = MinbeiAmount.minorUnits(amountText) {
                amount == expectation.amount ? nil : "query answer amount \(amountText) is not the amount sent"
            } else {
                "query answer amount '\(amountText)' is not a yuan amount with two decimals"
            }
        if let problem {
            logger.warning("bank answer does not match the query", metadata: ["transaction": expectation.transactionId, "mismatch": problem])
            return .pending(.unverifiable, bankCode: answer.code, message: "unverifiable response: \(problem)")
        }
        let finished = MinbeiTime.unixSeconds(compact: answer[MinbeiField.transTime]).map {
            Date(timeIntervalSince1970: TimeInterval($0))
        }
        let sequenceOrNil = MinbeiRules.isBankSequence(sequence) ? sequence : nil
        switch answer[MinbeiField.transStatus] {
        case MinbeiService.succeeded:
            guard let sequenceOrNil else {
                return .pending(.unverifiable, bankCode: answer.code, message: "unverifiable response: bank_seq is not 20 digits")
            }
            return .succeeded(
                bankTransactionId: sequenceOrNil, amount: Money(minorUnits: expectation.amount, currency: currency),
                finishedAt: finished, bankCode: answer.code)
        case MinbeiService.failed:
            // The status as the code: the query's "00" on a decline would read as a success.
            return .declined(
                .declined, bankCode: MinbeiService.failed, message: "the bank reports it failed (trans_status F)",
                bankTransactionId: sequenceOrNil, finishedAt: finished)
        case MinbeiService.inProcess:
            return .pending(.processing, bankCode: answer.code, message: "in process (trans_status P)", bankTransactionId: sequenceOrNil)
        case let other:
            return .pending(.unverifiable, bankCode: answer.code, message: "unverifiable response: trans_status '\(other)'")
        }
    }
}
