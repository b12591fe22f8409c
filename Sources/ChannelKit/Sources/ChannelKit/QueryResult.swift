/// The bank's answer to a ``QueryRequest``.
public struct QueryResult: Hashable, Sendable, Codable {
    /// The transaction's outcome, or `nil` when the bank does not know the transaction.
    public var outcome: ChannelOutcome?
    /// The bank's raw code for a "not found" answer.
    public var notFoundCode: String?

    /// The bank knows the transaction; `outcome` is its state (pending while still processing). A query that
    /// the bank refused or answered unverifiably says nothing about the transaction: it is `.found(.pending(…))`,
    /// never a decline (the gateway treats a query's ``DeclineReason/notSent`` as pending, too).
    public static func found(_ outcome: ChannelOutcome) -> QueryResult {
        QueryResult(outcome: outcome, notFoundCode: nil)
    }

    /// The bank does not know the transaction. This proves it was never processed only once the bank's
    /// finality window (``PluginCapabilities/notFoundFinalAfterSeconds``) has passed since the request.
    public static func notFound(bankCode: String) -> QueryResult {
        QueryResult(outcome: nil, notFoundCode: bankCode)
    }

    /// A query the transport could not complete: the transaction's state is as unknown as before —
    /// `.found(.pending(…))` with ``PendingCause/unreachable`` when nothing was sent, else the transport's cause.
    /// Never a decline: a decline in a query result is the transaction's own final state.
    public init(transportFailure error: TransportError) {
        let cause = ChannelOutcome(transportFailure: error).pendingCause ?? .unreachable
        self = .found(.pending(cause, message: "query failed: \(error.description)"))
    }

    /// True when the bank does not know the transaction.
    public var isNotFound: Bool { outcome == nil }

    private init(outcome: ChannelOutcome?, notFoundCode: String?) {
        self.outcome = outcome
        self.notFoundCode = notFoundCode
    }
}
