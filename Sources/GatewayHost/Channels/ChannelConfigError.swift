/// A channel config file that cannot become a channel: which file, which key, what is wrong.
/// Messages never contain credential values.
struct ChannelConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    var file: String
    var key: String?
    var message: String

    init(file: String, key: String?, _ message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    var description: String {
        if let key { return "\(file): key '\(key)': \(message)" }
        return "\(file): \(message)"
    }
}
