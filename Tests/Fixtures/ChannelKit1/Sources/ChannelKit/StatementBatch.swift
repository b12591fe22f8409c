/// A chunk of a parsed statement: the records of some consecutive lines, the lines that could not be
/// parsed, and — in the last batch — the file's trailer.
///
/// Bad lines are reported, never dropped: every line of the file is either a record, an issue, the header
/// or the trailer.
public struct StatementBatch: Hashable, Sendable, Codable {
    /// Parsed records, in file order.
    public var records: [StatementRecord]
    /// Lines that could not be parsed.
    public var issues: [StatementIssue]
    /// The file's totals line, when this batch reached it.
    public var trailer: StatementTrailer?

    /// Creates a batch.
    public init(records: [StatementRecord], issues: [StatementIssue], trailer: StatementTrailer? = nil) {
        self.records = records
        self.issues = issues
        self.trailer = trailer
    }
}

/// A statement line that could not be parsed, or a check of the whole file that failed.
public struct StatementIssue: Hashable, Sendable, Codable {
    /// The 1-based line number (0 for a whole-file problem such as a missing trailer).
    public var lineNumber: Int
    /// The raw line, cut to at most 512 characters.
    public var line: String
    /// What is wrong with it.
    public var reason: String

    /// Creates an issue; `line` is cut to 512 characters.
    public init(lineNumber: Int, line: String, reason: String) {
        self.lineNumber = lineNumber
        self.line = String(line.prefix(512))
        self.reason = reason
    }
}

/// A statement's totals line, as the bank wrote it.
public struct StatementTrailer: Hashable, Sendable, Codable {
    /// The line number of the trailer.
    public var lineNumber: Int
    /// The number of transaction lines the bank says the file has.
    public var recordCount: Int
    /// The sum of amounts the bank states (which rows it covers is bank-specific; see the channel's docs).
    public var amountTotal: Int64
    /// The sum of fees the bank states.
    public var feeTotal: Int64

    /// Creates a trailer.
    public init(lineNumber: Int, recordCount: Int, amountTotal: Int64, feeTotal: Int64) {
        self.lineNumber = lineNumber
        self.recordCount = recordCount
        self.amountTotal = amountTotal
        self.feeTotal = feeTotal
    }
}
