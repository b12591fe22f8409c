extension ScaffoldTemplates {
    /// `Sources/{{Module}}/{{Module}}Outcomes.swift` of a generated package.
    static let sourcesOutcomesSwift = ScaffoldFile(
        "Sources/{{Module}}/{{Module}}Outcomes.swift",
        #"""
import {{Module}}Protocol
import ChannelKit
import Foundation

/// The bank's answers as outcomes: the payment truths in one place.
///
/// PARTNER: map your bank's code table here, code by code, as its document says. Rules that stay:
/// - success only from a verified answer naming this transaction id and amount;
/// - a decline only for a code that says the bank refused it; `.refusedTryElsewhere` only where the document
///   says the request was left unprocessed;
/// - busy, processing, system errors and anything undocumented are pending: the gateway queries later.
enum {{Module}}Outcomes {
    /// The outcome of a pay or refund answer to the request for `transactionId` and `amount`.
    static func transaction(_ answer: [String: String], transactionId: String, amount: Money) -> ChannelOutcome {
        let code = answer[{{Module}}Field.code] ?? ""
        let message = answer[{{Module}}Field.message] ?? code
        guard answer[{{Module}}Field.transactionId] == transactionId else {
            return .pending(.unverifiable, bankCode: code, message: "the answer names another transaction")
        }
        switch code {
        case {{Module}}Code.success:
            return succeeded(answer, amount: amount, code: code)
        case {{Module}}Code.insufficientFunds, {{Module}}Code.accountFrozen, {{Module}}Code.refundExceedsPayment,
            {{Module}}Code.duplicateTransactionId:
            return .declined(.declined, bankCode: code, message: message)
        case {{Module}}Code.maintenance:
            return .declined(.refusedTryElsewhere, bankCode: code, message: message)
        case {{Module}}Code.busy:
            return .pending(.busy, bankCode: code, message: message)
        case {{Module}}Code.processing:
            return .pending(.processing, bankCode: code, message: message)
        case {{Module}}Code.systemError:
            return .pending(.serverError, bankCode: code, message: message)
        default:
            return .pending(.unverifiable, bankCode: code, message: "undocumented code '\(code)'")
        }
    }

    /// The result of a query answer about `request`.
    static func query(_ answer: [String: String], _ request: QueryRequest) -> QueryResult {
        let code = answer[{{Module}}Field.code] ?? ""
        if code == {{Module}}Code.notFound { return .notFound(bankCode: code) }
        guard code == {{Module}}Code.success else {
            let cause: PendingCause = code == {{Module}}Code.busy ? .busy : code == {{Module}}Code.systemError ? .serverError : .unverifiable
            return .found(.pending(cause, bankCode: code, message: "query answered '\(code)'"))
        }
        guard answer[{{Module}}Field.transactionId] == request.transactionId else {
            return .found(.pending(.unverifiable, bankCode: code, message: "the answer names another transaction"))
        }
        switch answer[{{Module}}Field.state] {
        case {{Module}}Value.succeeded:
            return .found(succeeded(answer, amount: request.expectedAmount, code: code))
        case {{Module}}Value.failed:
            // The transaction's own final state. Its reason code, never "0000", which would read as a success.
            let reason = answer[{{Module}}Field.reasonCode] ?? {{Module}}Value.failed
            return .found(.declined(.declined, bankCode: reason, message: answer[{{Module}}Field.message] ?? "failed at the bank",
                bankTransactionId: answer[{{Module}}Field.bankTransactionId], finishedAt: finishedAt(answer)))
        case {{Module}}Value.processing:
            return .found(.pending(.processing, bankCode: code, message: "still processing at the bank"))
        case let other:
            return .found(.pending(.unverifiable, bankCode: code, message: "undocumented state '\(other ?? "")'"))
        }
    }

    /// A success, if the answer states the amount we asked for and the bank's own id.
    static func succeeded(_ answer: [String: String], amount: Money, code: String) -> ChannelOutcome {
        guard answer[{{Module}}Field.amount] == String(amount.minorUnits),
            answer[{{Module}}Field.currency] == amount.currency.code
        else {
            return .pending(.unverifiable, bankCode: code, message: "the answer states another amount or currency")
        }
        guard let bankId = answer[{{Module}}Field.bankTransactionId], !bankId.isEmpty else {
            return .pending(.unverifiable, bankCode: code, message: "a success without the bank's transaction id")
        }
        return .succeeded(bankTransactionId: bankId, amount: amount, finishedAt: finishedAt(answer), bankCode: code)
    }

    static func finishedAt(_ answer: [String: String]) -> Date? {
        answer[{{Module}}Field.finishedAt].flatMap(Int64.init).map { Date(timeIntervalSince1970: TimeInterval($0)) }
    }
}
"""#)
}
