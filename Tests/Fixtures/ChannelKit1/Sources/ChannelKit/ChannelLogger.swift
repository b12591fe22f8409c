/// Severity of a channel's log message.
@frozen
public enum ChannelLogLevel: String, Hashable, Comparable, Sendable, Codable {
    /// Fine detail for debugging.
    case debug
    /// Normal events.
    case info
    /// Something unusual that did not fail.
    case warning
    /// A failure.
    case error

    private var rank: Int {
        switch self {
        case .debug: 0
        case .info: 1
        case .warning: 2
        case .error: 3
        }
    }

    /// Orders by severity.
    public static func < (lhs: ChannelLogLevel, rhs: ChannelLogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// The logger the gateway lends a channel. Messages are tagged with the channel id by the gateway.
/// Never log credentials, signatures or full request bodies with payer data.
public protocol ChannelLogger: Sendable {
    /// Writes one message.
    func log(_ level: ChannelLogLevel, _ message: String, metadata: [String: String])
}

extension ChannelLogger {
    /// Logs at debug level.
    public func debug(_ message: String, metadata: [String: String] = [:]) { log(.debug, message, metadata: metadata) }
    /// Logs at info level.
    public func info(_ message: String, metadata: [String: String] = [:]) { log(.info, message, metadata: metadata) }
    /// Logs at warning level.
    public func warning(_ message: String, metadata: [String: String] = [:]) {
        log(.warning, message, metadata: metadata)
    }
    /// Logs at error level.
    public func error(_ message: String, metadata: [String: String] = [:]) { log(.error, message, metadata: metadata) }
}
