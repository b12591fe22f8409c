import Foundation
import Synchronization

/// The simulator's notion of "now": real time plus an offset, or a fixed instant.
///
/// Every timestamp the bank produces or checks (signature window, nonce memory, `finished_at`, statement dates and
/// availability, log entries) is read from this clock, so tests can move the bank through time.
public final class SimulatorClock: Sendable {
    /// How the clock derives the current time.
    public enum Mode: Sendable, Equatable {
        /// Real time plus this many milliseconds.
        case offset(Int64)
        /// Always this Unix time in milliseconds.
        case fixed(Int64)
    }

    private let state: Mutex<Mode>

    /// Instants and offsets the clock accepts (up to year 9999), so time arithmetic cannot overflow.
    public static let validMilliseconds: ClosedRange<Int64> = -253_402_300_799_999...253_402_300_799_999

    /// A clock in the given mode.
    public init(_ mode: Mode) {
        self.state = Mutex(mode)
    }

    /// The current mode.
    public var mode: Mode {
        state.withLock { $0 }
    }

    /// Changes the mode at run time.
    public func set(_ mode: Mode) {
        state.withLock { $0 = mode }
    }

    /// The current Unix time in milliseconds.
    public var nowMilliseconds: Int64 {
        switch mode {
        case .fixed(let milliseconds):
            return milliseconds
        case .offset(let offset):
            return Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) + offset
        }
    }

    /// The current time as a `Date`.
    public var now: Date {
        Self.date(nowMilliseconds)
    }

    /// The `Date` of a Unix time in milliseconds.
    public static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
