/// Why `gatewayctl plugins new` generated nothing: a stable code and a message saying what to do.
struct ScaffoldError: Error, CustomStringConvertible, Equatable {
    /// `invalid_name`, `directory_not_empty`, `channelkit_not_found` or `write_failed`.
    let code: String
    let message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "\(code): \(message)" }
}
