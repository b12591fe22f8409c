import Synchronization

/// Tells the payments core whether a channel handed a request to the gateway's transport during one call.
///
/// The payments core runs each `pay`/`refund` with a fresh tracker bound to ``current``; the transport counts
/// every request *before* sending it and takes it back only when it failed to connect, so a request still in
/// flight (in a task the channel did not wait for) counts as possibly sent. A channel that throws
/// after a marked send leaves the transaction pending: the bank may have charged. Task-local values reach
/// the channel's child tasks and unstructured `Task {}`s; a detached task does not, which is why a throw is
/// only taken as "not sent" when its code also says so (`PaymentChannelError.Code.rejectsBeforeSending`).
final class BankCallTracker: Sendable {
    @TaskLocal static var current: BankCallTracker?

    private let state = Mutex(0)

    /// Whether a request may have reached the bank during the call.
    var mayHaveSent: Bool { state.withLock { $0 > 0 } }

    /// Counts a request that is about to be sent.
    func sending() { state.withLock { $0 += 1 } }

    /// Takes back a request that provably never left (the connection could not be made).
    func notSent() { state.withLock { $0 -= 1 } }
}
