import ChannelKit
import Foundation
import HaixiProtocol

/// The Body of a verified pay, refund or query answer (or a notification): `TxType`, `BankSerialNo`,
/// `TxStatus`, `Amount`, `FinishTime`, each checked for its documented shape.
struct HaixiTransactionState: Sendable, Equatable {
    /// Payment or refund; `nil` when the Body does not say (pay and refund answers carry no `TxType`).
    let kind: TransactionKind?
    /// `HX` + 20 digits; `nil` when the Body gives none (a processing answer may not have one yet).
    let bankSerialNo: String?
    /// `00`, `01` or `02`.
    let status: String
    /// Fen.
    let amount: Int64
    /// `FinishTime` in UTC+8, when given.
    let finishedAt: Date?

    /// Reads `body`; the error says which element is wrong.
    static func read(_ body: [String: String]) -> Result<HaixiTransactionState, HaixiAnswerProblem> {
        var kind: TransactionKind?
        if let type = body[HaixiElement.txType] {
            switch type {
            case "PAY": kind = .payment
            case "REFUND": kind = .refund
            default: return .failure(.init("TxType '\(type)' is neither PAY nor REFUND"))
            }
        }
        guard let status = body[HaixiElement.txStatus] else { return .failure(.init("no TxStatus")) }
        guard [HaixiStatus.success, HaixiStatus.processing, HaixiStatus.failed].contains(status) else {
            return .failure(.init("unknown TxStatus '\(status)'"))
        }
        guard let amountText = body[HaixiElement.amount], let amount = Self.fen(amountText) else {
            return .failure(.init("Amount is missing or not a positive number of fen"))
        }
        var bankSerialNo: String?
        if let serial = body[HaixiElement.bankSerialNo], !serial.isEmpty {
            guard HaixiStatement.isBankSerial(serial) else { return .failure(.init("BankSerialNo is not HX and 20 digits")) }
            bankSerialNo = serial
        }
        if status == HaixiStatus.success, bankSerialNo == nil {
            return .failure(.init("a successful transaction without BankSerialNo"))
        }
        var finishedAt: Date?
        if let finish = body[HaixiElement.finishTime], !finish.isEmpty {
            guard let parsed = HaixiTime.parse(finish) else { return .failure(.init("FinishTime is not yyyyMMddHHmmss")) }
            finishedAt = parsed
        }
        return .success(
            HaixiTransactionState(
                kind: kind, bankSerialNo: bankSerialNo, status: status, amount: amount, finishedAt: finishedAt))
    }

    /// What this state means for the transaction; `bankCode` is the answer's RespCode (`000000`). A failed one
    /// carries its TxStatus `02` as the code instead: "000000" on a decline would read as a success to ops and
    /// merchants, and a notification (which has no refusal code) may settle it before the pay answer's `2000xx`.
    func outcome(currency: Currency, bankCode: String) -> ChannelOutcome {
        switch status {
        case HaixiStatus.success:
            return .succeeded(
                bankTransactionId: bankSerialNo, amount: Money(minorUnits: amount, currency: currency),
                finishedAt: finishedAt, bankCode: bankCode)
        case HaixiStatus.failed:
            return .declined(
                .declined, bankCode: HaixiStatus.failed, message: "TxStatus 02: failed", bankTransactionId: bankSerialNo,
                finishedAt: finishedAt)
        default:
            return .pending(.processing, bankCode: bankCode, message: "TxStatus 01: processing", bankTransactionId: bankSerialNo)
        }
    }

    /// 1–12 digits above zero, no sign, no leading `+`.
    static func fen(_ text: String) -> Int64? {
        guard (1...12).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let value = Int64(text), value > 0
        else { return nil }
        return value
    }
}

/// Why a verified answer's Body cannot be taken for a transaction's state.
struct HaixiAnswerProblem: Error, Sendable, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The transaction a message asked about: an answer must name it (kind, when the Body says, and amount).
struct HaixiExpectation: Sendable {
    /// Payment or refund.
    let kind: TransactionKind
    /// Our id (the pay's or refund's SerialNo).
    let transactionId: String
    /// The amount in fen.
    let amount: Int64

    /// `nil` when `state` is about this transaction; otherwise why not.
    func mismatch(_ state: HaixiTransactionState) -> String? {
        if let named = state.kind, named != kind { return "the answer is about a \(named.rawValue), not a \(kind.rawValue)" }
        if state.amount != amount { return "the answer names amount \(state.amount), not \(amount)" }
        return nil
    }
}
