import ChannelKit
import Foundation

/// A ``ChannelKit/ChannelClock`` running at real speed, shifted by an adjustable offset: the clock to give a
/// channel whose bank simulator's clock is moved (for example to the next day, for its statement).
public final class AdjustableChannelClock: ChannelClock, @unchecked Sendable {
    private let lock = NSLock()
    private var shift: TimeInterval = 0

    /// Creates a clock with no offset.
    public init() {}

    /// The offset from the system clock, in seconds.
    public var offset: TimeInterval {
        get { lock.withLock { shift } }
        set { lock.withLock { shift = newValue } }
    }

    /// The system time plus ``offset``.
    public func now() -> Date { Date().addingTimeInterval(offset) }
}
