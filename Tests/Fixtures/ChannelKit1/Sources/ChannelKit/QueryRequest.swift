/// Asks the bank for the current state of a payment or refund, by the gateway's transaction id.
public struct QueryRequest: Hashable, Sendable, Codable {
    /// The gateway's transaction id of the payment or refund.
    public var transactionId: String
    /// Which kind of transaction `transactionId` names.
    public var kind: TransactionKind
    /// The amount the gateway expects; a channel must treat an answer for another amount as unverifiable.
    public var expectedAmount: Money

    /// Creates a query.
    public init(transactionId: String, kind: TransactionKind, expectedAmount: Money) {
        self.transactionId = transactionId
        self.kind = kind
        self.expectedAmount = expectedAmount
    }
}
