import Foundation

/// An asynchronous notification as the bank sent it, handed unchanged to the channel to verify and parse.
public struct InboundNotification: Hashable, Sendable, Codable {
    /// The HTTP method.
    public var method: String
    /// The path and, when present, `?` and the query exactly as received.
    public var target: String
    /// The header fields as received.
    public var headers: [HTTPHeaderField]
    /// The exact body bytes.
    public var body: Data
    /// When the gateway received it.
    public var receivedAt: Date

    /// Creates a notification.
    public init(method: String, target: String, headers: [HTTPHeaderField], body: Data, receivedAt: Date) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.receivedAt = receivedAt
    }
}

/// A verified notification: what it says happened, and the answer the bank expects.
public struct NotificationResult: Hashable, Sendable, Codable {
    /// The transactions the notification reports on, with their verified outcomes.
    public var events: [ChannelEvent]
    /// The exact HTTP answer the bank's protocol requires for an accepted notification.
    public var reply: HTTPResponseMessage

    /// Creates a result.
    public init(events: [ChannelEvent], reply: HTTPResponseMessage) {
        self.events = events
        self.reply = reply
    }
}

/// A bank-reported change of one transaction.
public struct ChannelEvent: Hashable, Sendable, Codable {
    /// The gateway's transaction id of the payment or refund.
    public var transactionId: String
    /// Payment or refund.
    public var kind: TransactionKind
    /// Its outcome as the bank reports it.
    public var outcome: ChannelOutcome

    /// Creates an event.
    public init(transactionId: String, kind: TransactionKind, outcome: ChannelOutcome) {
        self.transactionId = transactionId
        self.kind = kind
        self.outcome = outcome
    }
}
