import ChannelKit
import Foundation

/// A transport-level fault a ``FaultInjectingTransport`` injects, whatever the bank.
public enum TransportFault: String, Hashable, Sendable, Codable, CaseIterable {
    /// The connection is reset before anything is sent: the bank sees nothing; the transport throws
    /// ``ChannelKit/TransportError/Kind/notSent``. The one fault a channel may decline (as `not_sent`).
    case resetBeforeSend = "reset-before-send"
    /// The request reaches the bank and is processed, then the answer never comes: ``ChannelKit/TransportError/Kind/timedOut``.
    case timeoutAfterSend = "timeout-after-send"
    /// The request reaches the bank and is processed, then the connection drops:
    /// ``ChannelKit/TransportError/Kind/connectionLost``.
    case connectionLostAfterSend = "connection-lost-after-send"
    /// An HTTP 500 `text/plain` answer, without forwarding the request (the bank saw nothing, but the channel
    /// cannot know).
    case serverError = "server-error"
    /// The bank's answer cut to its first half: unreadable.
    case truncatedAnswer = "truncated-answer"
    /// The bank's answer with the transaction id's last character changed wherever it occurs (or, when the
    /// id does not occur, a byte in the middle flipped): it no longer verifies, or names another transaction.
    case corruptedAnswer = "corrupted-answer"
    /// The bank's answer with every header whose name contains `sign` changed, and the body otherwise intact.
    case corruptedSignatureHeader = "corrupted-signature-header"

    /// True when the bank never sees the request.
    public var forwardsRequest: Bool {
        switch self {
        case .resetBeforeSend, .serverError: false
        case .timeoutAfterSend, .connectionLostAfterSend, .truncatedAnswer, .corruptedAnswer, .corruptedSignatureHeader: true
        }
    }
}
