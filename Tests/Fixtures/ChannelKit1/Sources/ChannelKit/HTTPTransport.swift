import Foundation

/// The HTTP client the gateway lends a channel. Plugins bring no network stack of their own: the gateway's
/// transport is pooled, applies the channel's configured timeouts, and (later) can be a proxy across a
/// process boundary.
///
/// Errors are ``TransportError``s, whose ``TransportError/requestMayHaveBeenSent`` tells a channel whether the
/// bank may have seen the request (then the outcome is pending, never declined).
public protocol HTTPTransport: Sendable {
    /// Sends a request and returns the whole response.
    /// - Throws: ``TransportError``.
    func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage

    /// Sends a request and streams the response body into `file` (created or truncated). Returns the
    /// response with an empty `body`. Use it for large downloads such as statements.
    /// - Throws: ``TransportError``.
    func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage
}

/// A header field, kept in order; names compare case-insensitively.
public struct HTTPHeaderField: Hashable, Sendable, Codable {
    /// The field name as sent.
    public var name: String
    /// The field value.
    public var value: String

    /// Creates a field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Looks header fields up by case-insensitive name.
extension Array where Element == HTTPHeaderField {
    /// The first value of the field `name`, compared case-insensitively.
    public func value(for name: String) -> String? {
        first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// An HTTP request a channel sends through the gateway's transport.
public struct HTTPRequestMessage: Hashable, Sendable, Codable {
    /// `GET`, `POST`...
    public var method: String
    /// The absolute URL.
    public var url: URL
    /// Header fields.
    public var headers: [HTTPHeaderField]
    /// The exact body bytes (empty for none).
    public var body: Data
    /// Overrides the channel's configured request timeout for this request.
    public var timeout: Duration?

    /// Creates a request.
    public init(
        method: String, url: URL, headers: [HTTPHeaderField] = [], body: Data = Data(), timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// An HTTP response.
public struct HTTPResponseMessage: Hashable, Sendable, Codable {
    /// The status code.
    public var status: Int
    /// Header fields.
    public var headers: [HTTPHeaderField]
    /// The body bytes.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [HTTPHeaderField] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why the transport could not deliver a request or its response.
public struct TransportError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// Nothing was sent: no connection could be made (refused, DNS, unreachable, connect timeout).
        case notSent = "not_sent"
        /// The request was (or may have been) sent, and no complete answer came in time.
        case timedOut = "timed_out"
        /// The connection failed after the request was (or may have been) sent.
        case connectionLost = "connection_lost"
        /// The answer could not be read (too large, malformed HTTP).
        case invalidResponse = "invalid_response"
        /// The destination file of a download could not be written.
        case fileError = "file_error"
    }

    /// What went wrong.
    public var kind: Kind
    /// A human explanation, free of secrets.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// False only when the bank cannot have seen the request.
    public var requestMayHaveBeenSent: Bool { kind != .notSent }

    /// `kind: message`.
    public var description: String { "\(kind.rawValue): \(message)" }
}
