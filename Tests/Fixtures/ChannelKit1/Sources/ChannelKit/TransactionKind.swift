/// Whether a transaction is a payment or a refund of one.
@frozen
public enum TransactionKind: String, Hashable, Sendable, Codable {
    /// A charge of the payer.
    case payment
    /// Money returned from an earlier payment.
    case refund
}
