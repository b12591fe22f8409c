/// A ledger transaction's state as reconciliation sees it.
public enum LedgerStatus: UInt8, Sendable, Codable, CaseIterable {
    /// The bank call is running, or ended without an answer.
    case processing
    /// Sent, outcome unknown: resolved by query (or by the statement: compensation).
    case pending
    /// Charged (a refund: paid back).
    case succeeded
    /// Refused by the bank.
    case declined
    /// Declined before the bank processed it (not sent, or refused by a "not processed" code): the bank should
    /// have nothing.
    case notProcessed

    /// Still open in the ledger.
    public var isOpen: Bool { self == .processing || self == .pending }

    /// The word the ledger uses, as written in the discrepancy files.
    public var label: String {
        switch self {
        case .processing: "processing"
        case .pending: "pending"
        case .succeeded: "succeeded"
        case .declined: "declined"
        case .notProcessed: "declined_not_processed"
        }
    }

    /// The ledger's stored status and not-processed flag as a reconciliation status.
    public init?(stored status: String, notProcessed: Bool) {
        switch status {
        case "processing": self = .processing
        case "pending": self = .pending
        case "succeeded": self = .succeeded
        case "declined": self = notProcessed ? .notProcessed : .declined
        default: return nil
        }
    }

    /// The same from the stored status's UTF-8 bytes, as the store readers get them: told apart by length and
    /// first byte (the tables' CHECK allows only the four words); nil for anything else. `notProcessed` is read
    /// only for a declined row.
    public init?(storedBytes status: UnsafeRawBufferPointer, notProcessed: @autoclosure () -> Bool) {
        switch (status.count, status.first) {
        case (10, UInt8(ascii: "p")): self = .processing
        case (7, UInt8(ascii: "p")): self = .pending
        case (9, UInt8(ascii: "s")): self = .succeeded
        case (8, UInt8(ascii: "d")): self = notProcessed() ? .notProcessed : .declined
        default: return nil
        }
    }
}
