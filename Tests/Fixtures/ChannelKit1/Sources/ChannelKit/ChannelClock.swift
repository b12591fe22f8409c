import Foundation

/// The wall clock the gateway lends a channel, for request timestamps and time windows.
public protocol ChannelClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The system's wall clock.
public struct SystemChannelClock: ChannelClock {
    /// Creates the system clock.
    public init() {}
    /// `Date()`.
    public func now() -> Date { Date() }
}
