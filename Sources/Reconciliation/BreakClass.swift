/// The class every statement line and every ledger row of a run ends in — exactly one each. The raw values
/// are stable machine codes (files, API, stored breaks).
public enum BreakClass: String, Sendable, Codable, CaseIterable, Comparable {
    /// Both sides agree.
    case matched
    /// The ledger declined it (or never processed it) and the bank has nothing, or has it failed: as it should be.
    case matchedNoCharge = "matched_no_charge"
    /// Open in the ledger; this run settled it from the statement through the payments core.
    case compensated
    /// Still open in the ledger and absent from the statement: stays open, recovery goes on.
    case openNotAtBank = "open_not_at_bank"
    /// The bank has it; the ledger does not (长款).
    case missingInLedger = "missing_in_ledger"
    /// The ledger says succeeded; the bank does not have it (短款).
    case missingAtBank = "missing_at_bank"
    /// Both have it with different amounts.
    case amountMismatch = "amount_mismatch"
    /// Both have it in different currencies.
    case currencyMismatch = "currency_mismatch"
    /// The ledger succeeded and the bank failed, or the reverse.
    case statusMismatch = "status_mismatch"
    /// A second statement line for a transaction id already on the statement.
    case duplicateInStatement = "duplicate_in_statement"
    /// A refund line whose payment is in no day of the ledger.
    case refundOfUnknownPayment = "refund_of_unknown_payment"
    /// A statement line the plugin could not parse.
    case unparseableLine = "unparseable_line"
    /// Finished within the cut-off margin and booked by the bank on the neighbouring day: carried to the next
    /// day's run, a break only if still unmatched there.
    case timing

    /// Classes that are breaks: stored with a life (open → persisting → resolved) and written to the
    /// discrepancy files. `timing` is stored too, as carried, so the next day's run can settle it.
    public var isBreak: Bool {
        switch self {
        case .matched, .matchedNoCharge, .compensated, .openNotAtBank: false
        default: true
        }
    }

    /// Whether an item of this class goes into the discrepancy files (breaks, plus what ops should know about:
    /// compensations and transactions still open).
    public var isReported: Bool { self != .matched && self != .matchedNoCharge }

    /// The order of classes in reports and files.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: BreakClass, rhs: BreakClass) -> Bool { lhs.rank < rhs.rank }
}
