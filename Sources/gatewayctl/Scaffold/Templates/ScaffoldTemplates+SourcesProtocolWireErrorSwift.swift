extension ScaffoldTemplates {
    /// `Sources/{{Module}}Protocol/{{Module}}WireError.swift` of a generated package.
    static let sourcesProtocolWireErrorSwift = ScaffoldFile(
        "Sources/{{Module}}Protocol/{{Module}}WireError.swift",
        #"""
/// Why a message from the bank (or to it) could not be used.
public enum {{Module}}WireError: Error, Equatable, Sendable {
    /// The body is not a message of the bank's format.
    case malformed(String)
    /// The signature is missing or matches none of the keys.
    case badSignature

    /// A short reason, safe to log (it never contains a key).
    public var reason: String {
        switch self {
        case .malformed(let detail): "malformed message: \(detail)"
        case .badSignature: "signature missing or invalid"
        }
    }
}

/// An encoded, signed message: its body and the headers to send with it.
public struct {{Module}}WireMessage: Sendable {
    public var body: [UInt8]
    public var headers: [(name: String, value: String)]

    public init(body: [UInt8], headers: [(name: String, value: String)]) {
        self.body = body
        self.headers = headers
    }
}
"""#)
}
