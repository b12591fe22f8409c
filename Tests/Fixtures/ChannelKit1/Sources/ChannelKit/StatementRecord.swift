import Foundation

/// One transaction line of a bank statement, normalized.
public struct StatementRecord: Hashable, Sendable, Codable {
    /// Final states a statement reports.
    @frozen
    public enum Status: String, Hashable, Sendable, Codable {
        /// The transaction succeeded on that business date.
        case succeeded
        /// The transaction failed on that business date.
        case failed
    }

    /// The 1-based line number in the downloaded file.
    public var lineNumber: Int
    /// The business date the bank booked it on.
    public var businessDate: BusinessDate
    /// When the bank completed it.
    public var finishedAt: Date?
    /// The gateway's transaction id (for a refund, the refund's id).
    public var transactionId: String
    /// The bank's id.
    public var bankTransactionId: String
    /// Payment or refund.
    public var kind: TransactionKind
    /// The amount.
    public var amount: Money
    /// The bank's fee for this line, as the bank computed it.
    public var fee: Money
    /// Succeeded or failed.
    public var status: Status
    /// For a refund: the gateway's transaction id of the refunded payment.
    public var originalTransactionId: String?

    /// Creates a record.
    public init(
        lineNumber: Int, businessDate: BusinessDate, finishedAt: Date?, transactionId: String,
        bankTransactionId: String, kind: TransactionKind, amount: Money, fee: Money, status: Status,
        originalTransactionId: String?
    ) {
        self.lineNumber = lineNumber
        self.businessDate = businessDate
        self.finishedAt = finishedAt
        self.transactionId = transactionId
        self.bankTransactionId = bankTransactionId
        self.kind = kind
        self.amount = amount
        self.fee = fee
        self.status = status
        self.originalTransactionId = originalTransactionId
    }
}
