import ChannelKit
import Foundation

/// The wall clock lent to channels, optionally shifted (for test environments whose bank simulator runs on
/// a simulated date).
struct OffsetChannelClock: ChannelClock {
    var offset: Duration

    func now() -> Date {
        let (seconds, attoseconds) = offset.components
        return Date().addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
