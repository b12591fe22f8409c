import Synchronization

/// Tells the payments core whether a channel handed a request to the gateway's transport during one call.
///
/// The payments core runs each `pay`/`refund` with a fresh tracker bound to ``current``; the transport marks
/// it when a request may have reached the bank (anything but a failure to connect). A channel that throws
/// after a marked send leaves the transaction pending: the bank may have charged. Task-local values reach
/// the channel's child tasks and unstructured `Task {}`s; a detached task does not, which is why a throw is
/// only taken as "not sent" when its code also says so (`PaymentChannelError.Code.rejectsBeforeSending`).
final class BankCallTracker: Sendable {
    @TaskLocal static var current: BankCallTracker?

    private let state = Mutex(false)

    /// Whether a request may have reached the bank during the call.
    var mayHaveSent: Bool { state.withLock { $0 } }

    /// Records that a request may have reached the bank.
    func markMayHaveSent() { state.withLock { $0 = true } }
}
