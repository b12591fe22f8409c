/// A channel config file that cannot become a channel (or a change to one that is refused): which file,
/// which line and key, what is wrong. Messages never contain credential values.
public struct ChannelConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// The dotted key path (`timeouts.request_ms`, `currencies[1]`), when one key is at fault.
    public var key: String?
    /// The 1-based line of that key (or of a YAML syntax error), when known.
    public var line: Int?
    public var message: String

    public init(file: String, key: String?, line: Int? = nil, _ message: String) {
        self.file = file
        self.key = key
        self.line = line
        self.message = message
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        if let key { return "\(place): key '\(key)': \(message)" }
        return "\(place): \(message)"
    }
}
