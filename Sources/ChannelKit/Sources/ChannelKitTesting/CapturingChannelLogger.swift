import ChannelKit
import Foundation

/// A ``ChannelKit/ChannelLogger`` that keeps every message, for tests that look at what a channel logged.
/// The suite gives one to every channel it creates (see ``ConformanceSuite/logger``).
public final class CapturingChannelLogger: ChannelLogger, @unchecked Sendable {
    /// One logged message.
    public struct Entry: Hashable, Sendable, Codable {
        /// Its level.
        public var level: ChannelLogLevel
        /// The message.
        public var message: String
        /// Its metadata.
        public var metadata: [String: String]
    }

    private let lock = NSLock()
    private var stored: [Entry] = []

    /// Creates an empty logger.
    public init() {}

    /// Keeps the message.
    public func log(_ level: ChannelLogLevel, _ message: String, metadata: [String: String]) {
        lock.withLock { stored.append(Entry(level: level, message: message, metadata: metadata)) }
    }

    /// Every message so far, in order.
    public var entries: [Entry] { lock.withLock { stored } }

    /// Forgets every message.
    public func clear() { lock.withLock { stored.removeAll() } }
}
