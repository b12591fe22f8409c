/// Why a bank (or the gateway's side of a channel) did not carry out a request: the typed half of a declined
/// ``ChannelOutcome``.
///
/// It is the one rule the gateway's routing follows: a payment may move to another channel **only** when
/// ``mayTryAnotherChannel`` is true (``notSent`` or ``refusedTryElsewhere``). Map each of your bank's refusal
/// codes to one of these from the bank's documentation; when the documentation does not say the request was
/// left unprocessed, the answer is ``declined``.
///
/// Not frozen: a later minor ChannelKit may add reasons; treat an unknown one like ``declined``.
public enum DeclineReason: String, Hashable, Sendable, Codable, CaseIterable {
    /// Nothing left the gateway: no connection could be made, or the channel refused the request before
    /// sending it. Another channel may be tried.
    case notSent = "not_sent"
    /// The bank refused the request without processing it, and its documentation says so (currency not
    /// supported, a parameter this bank does not take, our signature refused in a verified answer). Another
    /// channel may be tried.
    case refusedTryElsewhere = "refused_try_elsewhere"
    /// The bank refused the request without processing it for a reason a fresh attempt *on the same channel*
    /// cures (a timestamp outside its window, a reused nonce). Not a reason to try another channel.
    case refusedRetryHere = "refused_retry_here"
    /// The bank processed the request and refused it (insufficient funds, account frozen, duplicate id with
    /// other content). Final; never tried again anywhere.
    case declined

    /// True for ``notSent`` and ``refusedTryElsewhere``: the request provably did not charge, and the bank's
    /// advice allows another channel.
    public var mayTryAnotherChannel: Bool {
        switch self {
        case .notSent, .refusedTryElsewhere: true
        case .refusedRetryHere, .declined: false
        }
    }

    /// True when the bank provably did not process the request (every reason but ``declined``).
    public var provesNotProcessed: Bool {
        switch self {
        case .notSent, .refusedTryElsewhere, .refusedRetryHere: true
        case .declined: false
        }
    }
}
