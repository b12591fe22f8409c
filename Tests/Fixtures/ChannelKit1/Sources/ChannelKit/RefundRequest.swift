/// A refund of (part of) an earlier, succeeded payment.
public struct RefundRequest: Hashable, Sendable, Codable {
    /// The gateway's id of this refund, sent to the bank as the caller's refund id.
    public var transactionId: String
    /// The gateway's transaction id of the payment being refunded.
    public var paymentTransactionId: String
    /// The bank's id of that payment, when the bank gave one.
    public var paymentBankTransactionId: String?
    /// The amount to return; at most what remains of the payment.
    public var amount: Money
    /// The payment's full amount.
    public var paymentAmount: Money
    /// Why the money is returned.
    public var reason: String

    /// Creates a refund request.
    public init(
        transactionId: String, paymentTransactionId: String, paymentBankTransactionId: String? = nil,
        amount: Money, paymentAmount: Money, reason: String
    ) {
        self.transactionId = transactionId
        self.paymentTransactionId = paymentTransactionId
        self.paymentBankTransactionId = paymentBankTransactionId
        self.amount = amount
        self.paymentAmount = paymentAmount
        self.reason = reason
    }
}
