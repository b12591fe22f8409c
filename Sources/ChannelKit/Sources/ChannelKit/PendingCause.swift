/// Why an outcome is not known yet: the typed half of a pending ``ChannelOutcome``. The gateway resolves a
/// pending transaction later by query; its health breaker counts the causes that say a bank is in trouble
/// (``signalsChannelTrouble``).
///
/// Not frozen: a later minor ChannelKit may add causes.
public enum PendingCause: String, Hashable, Sendable, Codable, CaseIterable {
    /// The request was (or may have been) sent and no complete answer came in time.
    case timeout
    /// The connection failed after the request was (or may have been) sent.
    case connectionLost = "connection_lost"
    /// The bank answered with a server error (HTTP 5xx, or its documented "system error" code).
    case serverError = "server_error"
    /// An answer came but cannot be trusted or does not fit: bad or missing signature, stale timestamp,
    /// unreadable body, another transaction or amount than asked about, a code or status the bank's
    /// documentation does not list.
    case unverifiable
    /// The bank could not be reached to ask (a query or check that was never sent): the transaction's state is
    /// as unknown as before.
    case unreachable
    /// The bank says it is busy or rate-limiting: try later.
    case busy
    /// The bank accepted the request and is still processing it (an asynchronous bank's normal answer).
    case processing
    /// The channel threw after a request may have reached the bank (set by the gateway, never by a plugin).
    case channelFailure = "channel_failure"
    /// The call's answer was lost: the gateway stopped while the bank was being called (set by the gateway's
    /// recovery, never by a plugin).
    case interrupted

    /// True for the causes that say the channel or its bank is in trouble: everything except ``processing``
    /// (a normal answer) and ``interrupted`` (the gateway's own stop).
    public var signalsChannelTrouble: Bool {
        switch self {
        case .processing, .interrupted: false
        case .timeout, .connectionLost, .serverError, .unverifiable, .unreachable, .busy, .channelFailure: true
        }
    }
}
