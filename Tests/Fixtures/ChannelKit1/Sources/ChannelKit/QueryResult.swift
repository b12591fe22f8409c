/// The bank's answer to a ``QueryRequest``.
public struct QueryResult: Hashable, Sendable, Codable {
    /// The transaction's outcome, or `nil` when the bank does not know the transaction.
    public var outcome: ChannelOutcome?
    /// The bank's raw code for a "not found" answer.
    public var notFoundCode: String?

    /// The bank knows the transaction; `outcome` is its state (pending while still processing).
    public static func found(_ outcome: ChannelOutcome) -> QueryResult {
        QueryResult(outcome: outcome, notFoundCode: nil)
    }

    /// The bank does not know the transaction. This proves it was never processed only once the bank's
    /// finality window (``PluginCapabilities/notFoundFinalAfterSeconds``) has passed since the request.
    public static func notFound(bankCode: String) -> QueryResult {
        QueryResult(outcome: nil, notFoundCode: bankCode)
    }

    /// True when the bank does not know the transaction.
    public var isNotFound: Bool { outcome == nil }

    private init(outcome: ChannelOutcome?, notFoundCode: String?) {
        self.outcome = outcome
        self.notFoundCode = notFoundCode
    }
}
