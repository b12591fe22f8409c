import ChannelKit

/// One reported outcome of a run: a statement line, a ledger row, or the pair of them, and its class.
public struct ReconciliationItem: Sendable, Codable, Equatable {
    public var breakClass: BreakClass
    /// The statement side (nil for a ledger row the bank lacks).
    public var statement: StatementRecord?
    /// The ledger side (nil for a line the ledger lacks).
    public var ledger: LedgerFields?
    /// For an unparseable line: the plugin's issue.
    public var issue: StatementIssue?
    /// Carried into this run from an earlier run's break (not counted in this run's class totals).
    public var carried: Bool

    public init(
        breakClass: BreakClass, statement: StatementRecord? = nil, ledger: LedgerFields? = nil,
        issue: StatementIssue? = nil, carried: Bool = false
    ) {
        self.breakClass = breakClass
        self.statement = statement
        self.ledger = ledger
        self.issue = issue
        self.carried = carried
    }

    /// The transaction id the item is about.
    public var transactionId: String? { ledger?.transactionId ?? statement?.transactionId }

    /// The statement line number, when the item has one.
    public var lineNumber: Int? { statement?.lineNumber ?? issue?.lineNumber }

    /// What identifies the break across runs: the transaction for transaction classes; the statement date and
    /// line for line classes (a duplicate or an unparseable line belongs to one file).
    public func breakKey(statementDate: BusinessDate) -> String {
        switch breakClass {
        case .duplicateInStatement, .unparseableLine:
            "line:\(statementDate.compact):\(lineNumber ?? 0)"
        default:
            "txn:\(transactionId ?? "")"
        }
    }

    /// The amount the item is counted with: the bank's when it has the line, else the ledger's.
    public var countedAmount: (Int64, String)? {
        if let statement { return (statement.amount.minorUnits, statement.amount.currency.code) }
        if let ledger { return (ledger.amount, ledger.currency) }
        return nil
    }

    /// Reports sort by class, then transaction id, then line: deterministic whatever order the sides came in.
    static func reportOrder(_ a: ReconciliationItem, _ b: ReconciliationItem) -> Bool {
        if a.breakClass != b.breakClass { return a.breakClass < b.breakClass }
        let ida = a.transactionId ?? "", idb = b.transactionId ?? ""
        if ida != idb { return ida < idb }
        if a.lineNumber != b.lineNumber { return (a.lineNumber ?? 0) < (b.lineNumber ?? 0) }
        return !a.carried && b.carried
    }
}

/// The count and amounts of one class in a run. Amounts are per currency (a run can see several).
public struct ClassTotal: Hashable, Sendable, Codable {
    public var count: Int = 0
    public var amounts: [String: Int64] = [:]

    public init(count: Int = 0, amounts: [String: Int64] = [:]) {
        self.count = count
        self.amounts = amounts
    }

    public mutating func add(_ amount: Int64, _ currency: String) {
        count += 1
        amounts[currency, default: 0] &+= amount
    }
}

/// A finding about the statement as a whole, not about one line: the trailer's totals disagree with the
/// lines, or the file is incomplete.
public struct ReconciliationFinding: Hashable, Sendable, Codable {
    /// `trailer_mismatch` or `statement_incomplete`.
    public var code: String
    public var lineNumber: Int
    public var message: String

    public init(code: String, lineNumber: Int, message: String) {
        self.code = code
        self.lineNumber = lineNumber
        self.message = message
    }
}
