import Foundation

/// What a bank's answer means for a payment or refund.
///
/// - ``Status/succeeded``: the bank confirmed it, in a verified answer naming this transaction and amount.
/// - ``Status/declined``: not carried out, with a typed ``DeclineReason`` (nothing sent, refused unprocessed
///   — try elsewhere or retry here —, or a plain decline) and the bank's code and message. Final.
/// - ``Status/pending``: anything else, with a typed ``PendingCause`` — a timeout, a busy or processing answer,
///   a 5xx, a connection lost after sending, an answer that cannot be verified. **A timeout is never a
///   decline**: the gateway resolves a pending transaction later with ``PaymentChannel/query(_:)``.
///
/// Build outcomes with the static constructors; they keep the status and its reason consistent.
///
/// ```swift
/// return .declined(.refusedTryElsewhere, bankCode: "2005", message: "currency not supported")
/// return .pending(.busy, bankCode: "9998", message: "system busy")
/// return ChannelOutcome(transportFailure: error)      // not sent → declined, else pending
/// ```
public struct ChannelOutcome: Hashable, Sendable, Codable {
    /// The three outcomes a bank answer can have.
    @frozen
    public enum Status: String, Hashable, Sendable, Codable {
        /// Confirmed by the bank.
        case succeeded
        /// Refused by the bank, or never sent; final.
        case declined
        /// Not known yet; resolve later by query.
        case pending
    }

    /// The outcome.
    public private(set) var status: Status
    /// Why it was declined; set exactly when ``status`` is ``Status/declined``.
    public private(set) var declineReason: DeclineReason?
    /// Why it is pending; set exactly when ``status`` is ``Status/pending``.
    public private(set) var pendingCause: PendingCause?
    /// The bank's raw result code, kept for the audit trail; `nil` when no answer carried one.
    public var bankCode: String?
    /// The bank's message, or a human explanation of the reason or cause.
    public var bankMessage: String?
    /// The bank's own id of the transaction, when it gave one.
    public var bankTransactionId: String?
    /// The amount the bank confirmed.
    public var amount: Money?
    /// When the bank completed the transaction (its clock).
    public var finishedAt: Date?

    private init(
        status: Status, declineReason: DeclineReason? = nil, pendingCause: PendingCause? = nil,
        bankCode: String? = nil, bankMessage: String? = nil, bankTransactionId: String? = nil, amount: Money? = nil,
        finishedAt: Date? = nil
    ) {
        self.status = status
        self.declineReason = declineReason
        self.pendingCause = pendingCause
        self.bankCode = bankCode
        self.bankMessage = bankMessage
        self.bankTransactionId = bankTransactionId
        self.amount = amount
        self.finishedAt = finishedAt
    }

    /// A confirmed transaction.
    public static func succeeded(
        bankTransactionId: String?, amount: Money, finishedAt: Date?, bankCode: String? = nil
    ) -> ChannelOutcome {
        ChannelOutcome(
            status: .succeeded, bankCode: bankCode, bankTransactionId: bankTransactionId, amount: amount,
            finishedAt: finishedAt)
    }

    /// A refusal. `reason` defaults to a plain ``DeclineReason/declined``; give another reason only when the
    /// bank's documentation says the request was not processed.
    public static func declined(
        _ reason: DeclineReason = .declined, bankCode: String?, message: String, bankTransactionId: String? = nil,
        finishedAt: Date? = nil
    ) -> ChannelOutcome {
        ChannelOutcome(
            status: .declined, declineReason: reason, bankCode: bankCode, bankMessage: message,
            bankTransactionId: bankTransactionId, finishedAt: finishedAt)
    }

    /// An unknown outcome and why.
    public static func pending(
        _ cause: PendingCause, bankCode: String? = nil, message: String? = nil, bankTransactionId: String? = nil
    ) -> ChannelOutcome {
        ChannelOutcome(
            status: .pending, pendingCause: cause, bankCode: bankCode, bankMessage: message ?? cause.rawValue,
            bankTransactionId: bankTransactionId)
    }

    /// The request never left the gateway (connection refused, DNS failure, or refused by the channel before
    /// sending): declined with ``DeclineReason/notSent``.
    public static func notSent(_ message: String, code: String? = nil) -> ChannelOutcome {
        .declined(.notSent, bankCode: code, message: message)
    }

    /// The outcome of a request the transport could not complete: ``TransportError/Kind/notSent`` is a
    /// ``DeclineReason/notSent`` decline; a timeout, a lost connection or an unreadable answer is pending with
    /// the matching cause, because the bank may have seen the request.
    public init(transportFailure error: TransportError) {
        switch error.kind {
        case .notSent:
            self = .notSent("nothing sent: \(error.message)")
        case .timedOut:
            self = .pending(.timeout, message: "transport: \(error.description)")
        case .connectionLost:
            self = .pending(.connectionLost, message: "transport: \(error.description)")
        case .invalidResponse:
            self = .pending(.unverifiable, message: "transport: \(error.description)")
        case .fileError:
            self = .pending(.connectionLost, message: "transport: \(error.description)")
        }
    }

    /// True when the bank provably did not process the request: declined for any reason but a plain decline.
    public var notProcessed: Bool { declineReason?.provesNotProcessed ?? false }

    /// The one failover rule: declined as ``DeclineReason/notSent`` or ``DeclineReason/refusedTryElsewhere``.
    /// A pending outcome, a success or any other decline never moves to another channel.
    public var mayTryAnotherChannel: Bool { status == .declined && (declineReason?.mayTryAnotherChannel ?? false) }

    private enum CodingKeys: String, CodingKey {
        case status, declineReason, pendingCause, bankCode, bankMessage, bankTransactionId, amount, finishedAt
    }

    /// Decodes an outcome; a status without its reason (or with the other kind's) is a decoding error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let status = try container.decode(Status.self, forKey: .status)
        let reason = try container.decodeIfPresent(DeclineReason.self, forKey: .declineReason)
        let cause = try container.decodeIfPresent(PendingCause.self, forKey: .pendingCause)
        let consistent =
            switch status {
            case .succeeded: reason == nil && cause == nil
            case .declined: reason != nil && cause == nil
            case .pending: reason == nil && cause != nil
            }
        guard consistent else {
            throw DecodingError.dataCorruptedError(
                forKey: .status, in: container,
                debugDescription: "a \(status.rawValue) outcome needs exactly its own reason (declineReason or pendingCause)")
        }
        self.init(
            status: status, declineReason: reason, pendingCause: cause,
            bankCode: try container.decodeIfPresent(String.self, forKey: .bankCode),
            bankMessage: try container.decodeIfPresent(String.self, forKey: .bankMessage),
            bankTransactionId: try container.decodeIfPresent(String.self, forKey: .bankTransactionId),
            amount: try container.decodeIfPresent(Money.self, forKey: .amount),
            finishedAt: try container.decodeIfPresent(Date.self, forKey: .finishedAt))
    }

    /// Encodes every field that is set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(declineReason, forKey: .declineReason)
        try container.encodeIfPresent(pendingCause, forKey: .pendingCause)
        try container.encodeIfPresent(bankCode, forKey: .bankCode)
        try container.encodeIfPresent(bankMessage, forKey: .bankMessage)
        try container.encodeIfPresent(bankTransactionId, forKey: .bankTransactionId)
        try container.encodeIfPresent(amount, forKey: .amount)
        try container.encodeIfPresent(finishedAt, forKey: .finishedAt)
    }
}
