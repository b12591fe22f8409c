import Foundation

/// What a bank's answer means for a payment or refund.
///
/// - ``Status/succeeded``: the bank confirmed it, in a verified answer naming this transaction and amount.
/// - ``Status/declined``: the bank refused it, with its code and message. Final.
/// - ``Status/pending``: anything else — a timeout, a busy or processing answer, a 5xx, a connection lost after
///   sending, an answer that cannot be verified. **A timeout is never a decline**: the gateway resolves a
///   pending transaction later with ``PaymentChannel/query(_:)``.
///
/// `notProcessed` says the bank *provably* did not process the request (nothing was sent, or the bank's
/// documented code says so), so the gateway may try another channel.
public struct ChannelOutcome: Hashable, Sendable, Codable {
    /// The three outcomes a bank answer can have.
    @frozen
    public enum Status: String, Hashable, Sendable, Codable {
        /// Confirmed by the bank.
        case succeeded
        /// Refused by the bank; final.
        case declined
        /// Not known yet; resolve later by query.
        case pending
    }

    /// The outcome.
    public var status: Status
    /// The bank's raw result code (or the transport's, e.g. `timeout`), kept for the audit trail.
    public var bankCode: String?
    /// The bank's message, or why the outcome is pending.
    public var bankMessage: String?
    /// The bank's own id of the transaction, when it gave one.
    public var bankTransactionId: String?
    /// The amount the bank confirmed.
    public var amount: Money?
    /// When the bank completed the transaction (its clock).
    public var finishedAt: Date?
    /// True only when the bank provably did not process the request; another channel may be tried.
    public var notProcessed: Bool

    /// Creates an outcome; prefer the static constructors.
    public init(
        status: Status, bankCode: String? = nil, bankMessage: String? = nil, bankTransactionId: String? = nil,
        amount: Money? = nil, finishedAt: Date? = nil, notProcessed: Bool = false
    ) {
        self.status = status
        self.bankCode = bankCode
        self.bankMessage = bankMessage
        self.bankTransactionId = bankTransactionId
        self.amount = amount
        self.finishedAt = finishedAt
        self.notProcessed = notProcessed
    }

    /// A confirmed transaction.
    public static func succeeded(
        bankTransactionId: String?, amount: Money, finishedAt: Date?, bankCode: String? = nil
    ) -> ChannelOutcome {
        ChannelOutcome(
            status: .succeeded, bankCode: bankCode, bankTransactionId: bankTransactionId, amount: amount,
            finishedAt: finishedAt)
    }

    /// A refusal by the bank. Set `notProcessed` only when the bank's code proves nothing was processed.
    public static func declined(
        bankCode: String, message: String, bankTransactionId: String? = nil, notProcessed: Bool = false
    ) -> ChannelOutcome {
        ChannelOutcome(
            status: .declined, bankCode: bankCode, bankMessage: message, bankTransactionId: bankTransactionId,
            notProcessed: notProcessed)
    }

    /// An unknown outcome; `reason` says why (`timeout`, `busy`, `unverifiable response`...).
    public static func pending(reason: String, bankCode: String? = nil, bankTransactionId: String? = nil)
        -> ChannelOutcome
    {
        ChannelOutcome(
            status: .pending, bankCode: bankCode, bankMessage: reason, bankTransactionId: bankTransactionId)
    }

    /// The request never reached the bank (connection refused, DNS failure): declined and not processed.
    public static func notSent(reason: String) -> ChannelOutcome {
        ChannelOutcome(status: .declined, bankCode: "not_sent", bankMessage: reason, notProcessed: true)
    }
}
