/// The names a generated plugin package uses, all derived from the one name given to `plugins new`.
///
/// `acme-bank` gives the plugin and channel id `acme-bank`, the Swift module `AcmeBank` (libAcmeBank.so), the
/// simulator `acme-bank-sim`, the credential variable `ACME_BANK_SECRET`, the display name "Acme Bank" and the
/// example merchant number `ACME0001`.
struct ScaffoldNames: Equatable, Sendable {
    /// The plugin id, the channel id of the example config, and the package directory's default name.
    let id: String
    /// The Swift module and product name (UpperCamelCase).
    let module: String
    /// The environment variable prefix (UPPER_SNAKE_CASE).
    let environment: String
    /// The bank's display name.
    let display: String
    /// The example bank's merchant number.
    let merchantNo: String

    /// Names the gateway's own modules take, which a plugin module must not shadow.
    static let reservedModules: Set<String> = ["ChannelKit", "ChannelKitTesting", "Foundation", "Swift", "Dispatch", "XCTest", "Testing"]

    /// Why `name` cannot be used, or nil.
    static func problem(with name: String) -> String? {
        switch Result(catching: { () throws(ScaffoldError) in try ScaffoldNames(name) }) {
        case .success: nil
        case .failure(let error): error.message
        }
    }

    /// Derives every name from `name`: 2–40 characters of `a-z 0-9` in words joined by `-`, starting with a letter.
    init(_ name: String) throws(ScaffoldError) {
        let words = name.split(separator: "-", omittingEmptySubsequences: false)
        let valid =
            (2...40).contains(name.count) && name.first?.isLetter == true
            && words.allSatisfy { word in !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } }
        guard valid else {
            throw ScaffoldError(
                "invalid_name",
                "'\(name)' is not a plugin name: use 2–40 lowercase letters and digits in words joined by '-', starting with a letter (e.g. acme-bank)")
        }
        id = name
        module = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        guard !Self.reservedModules.contains(module) else {
            throw ScaffoldError("invalid_name", "'\(name)' would make the module \(module), which the gateway or Swift already uses")
        }
        environment = words.map { $0.uppercased() }.joined(separator: "_")
        display = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
        merchantNo = String(words.joined().uppercased().filter(\.isLetter).prefix(4)) + "0001"
    }
}
