/// A credential value (a key, a password). It never prints: `description` and `debugDescription` are
/// `<redacted>`, so it cannot leak through string interpolation or logs. Use ``reveal()`` at the one place
/// that needs the value, e.g. to compute a signature.
public struct Secret: Hashable, Sendable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    /// Wraps a credential.
    public init(_ value: String) { self.value = value }

    /// The credential itself. Never log or return it.
    public func reveal() -> String { value }

    /// `<redacted>`.
    public var description: String { "<redacted>" }
    /// `<redacted>`.
    public var debugDescription: String { "<redacted>" }
}
