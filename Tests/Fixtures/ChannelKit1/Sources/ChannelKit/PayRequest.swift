/// A payment the gateway asks a channel to make.
///
/// The gateway stores the payment before it calls ``PaymentChannel/pay(_:)``; `transactionId` is the id the
/// bank sees (its `out_trade_no` or equivalent) and is unique for ever. Calling `pay` twice with the same
/// request must never charge twice: banks treat the id as unique, and channels send it unchanged.
public struct PayRequest: Hashable, Sendable, Codable {
    /// The gateway's transaction id, sent to the bank as the caller's id.
    public var transactionId: String
    /// The amount to charge.
    public var amount: Money
    /// What is being paid for, shown to the payer by some banks.
    public var subject: String

    /// Creates a pay request.
    public init(transactionId: String, amount: Money, subject: String) {
        self.transactionId = transactionId
        self.amount = amount
        self.subject = subject
    }
}
