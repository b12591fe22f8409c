import ChannelKit

/// One ledger transaction's fields, as reported in a break and as looked up by id.
public struct LedgerFields: Hashable, Sendable, Codable {
    public var transactionId: String
    public var bankTransactionId: String?
    public var kind: TransactionKind
    public var amount: Int64
    public var currency: String
    public var status: LedgerStatus
    /// The row's business instant (ms since 1970): the bank's completion time, else its creation time.
    public var dayAt: Int64
    /// For a refund: the refunded payment's id (filled by lookups; empty for rows read from the window).
    public var paymentId: String?

    public init(
        transactionId: String, bankTransactionId: String?, kind: TransactionKind, amount: Int64, currency: String,
        status: LedgerStatus, dayAt: Int64, paymentId: String? = nil
    ) {
        self.transactionId = transactionId
        self.bankTransactionId = bankTransactionId
        self.kind = kind
        self.amount = amount
        self.currency = currency
        self.status = status
        self.dayAt = dayAt
        self.paymentId = paymentId
    }
}
