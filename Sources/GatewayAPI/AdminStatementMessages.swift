/// `POST /admin/channels/{id}/statements?date=…`: a bank statement downloaded through the channel's plugin and
/// parsed by it. Every line of the file is a record, an issue, the header or the trailer.
public struct AdminStatementSummary: Codable, Sendable, Equatable {
    public var channel: String
    /// yyyy-MM-dd, the bank's business day.
    public var businessDate: String
    /// The stored file's name in the gateway's data directory.
    public var file: String
    public var bytes: Int64
    public var recordCount: Int
    public var issueCount: Int
    /// The file's totals line, when it has one.
    public var trailer: AdminStatementTrailer?
    /// The records, only with `records=true`.
    public var records: [AdminStatementRecord]?
    /// Lines that could not be parsed, and checks of the whole file that failed.
    public var issues: [AdminStatementIssue]

    public init(
        channel: String, businessDate: String, file: String, bytes: Int64, recordCount: Int, issueCount: Int,
        trailer: AdminStatementTrailer?, records: [AdminStatementRecord]?, issues: [AdminStatementIssue]
    ) {
        self.channel = channel
        self.businessDate = businessDate
        self.file = file
        self.bytes = bytes
        self.recordCount = recordCount
        self.issueCount = issueCount
        self.trailer = trailer
        self.records = records
        self.issues = issues
    }

    enum CodingKeys: String, CodingKey {
        case channel, file, bytes, trailer, records, issues
        case businessDate = "business_date"
        case recordCount = "record_count"
        case issueCount = "issue_count"
    }
}

/// One transaction line of a statement, normalized by the plugin.
public struct AdminStatementRecord: Codable, Sendable, Equatable {
    public var lineNumber: Int
    public var businessDate: String
    /// When the bank completed it (RFC 3339), if the bank says.
    public var finishedAt: String?
    /// The gateway's transaction id (for a refund, the refund's id).
    public var transactionId: String
    public var bankTransactionId: String
    /// `payment` or `refund`.
    public var kind: String
    /// Minor units of `currency`.
    public var amount: Int64
    public var currency: String
    /// The bank's fee, minor units of `feeCurrency`.
    public var fee: Int64
    public var feeCurrency: String
    /// `succeeded` or `failed`.
    public var status: String
    /// For a refund: the refunded payment's transaction id.
    public var originalTransactionId: String?

    public init(
        lineNumber: Int, businessDate: String, finishedAt: String?, transactionId: String, bankTransactionId: String,
        kind: String, amount: Int64, currency: String, fee: Int64, feeCurrency: String, status: String,
        originalTransactionId: String?
    ) {
        self.lineNumber = lineNumber
        self.businessDate = businessDate
        self.finishedAt = finishedAt
        self.transactionId = transactionId
        self.bankTransactionId = bankTransactionId
        self.kind = kind
        self.amount = amount
        self.currency = currency
        self.fee = fee
        self.feeCurrency = feeCurrency
        self.status = status
        self.originalTransactionId = originalTransactionId
    }

    enum CodingKeys: String, CodingKey {
        case kind, amount, currency, fee, status
        case lineNumber = "line_number"
        case businessDate = "business_date"
        case finishedAt = "finished_at"
        case transactionId = "transaction_id"
        case bankTransactionId = "bank_transaction_id"
        case feeCurrency = "fee_currency"
        case originalTransactionId = "original_transaction_id"
    }
}

/// A statement line that could not be parsed (or, at line 0, a check of the whole file that failed).
public struct AdminStatementIssue: Codable, Sendable, Equatable {
    public var lineNumber: Int
    /// The raw line, at most 512 characters.
    public var line: String
    public var reason: String

    public init(lineNumber: Int, line: String, reason: String) {
        self.lineNumber = lineNumber
        self.line = line
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case line, reason
        case lineNumber = "line_number"
    }
}

/// A statement's totals line, as the bank wrote it.
public struct AdminStatementTrailer: Codable, Sendable, Equatable {
    public var lineNumber: Int
    public var recordCount: Int
    public var amountTotal: Int64
    public var feeTotal: Int64

    public init(lineNumber: Int, recordCount: Int, amountTotal: Int64, feeTotal: Int64) {
        self.lineNumber = lineNumber
        self.recordCount = recordCount
        self.amountTotal = amountTotal
        self.feeTotal = feeTotal
    }

    enum CodingKeys: String, CodingKey {
        case lineNumber = "line_number"
        case recordCount = "record_count"
        case amountTotal = "amount_total"
        case feeTotal = "fee_total"
    }
}
