import ChannelKit
import Foundation

/// An ``ChannelKit/HTTPTransport`` that plays a bank in-process: every request goes to `handler`, which
/// returns the bank's answer or throws a ``ChannelKit/TransportError``. Nothing touches the network.
///
/// ```swift
/// let transport = ScriptedTransport { request in
///     HTTPResponseMessage(status: 200, body: Data(#"{"code":"0000"}"#.utf8))
/// }
/// ```
public struct ScriptedTransport: HTTPTransport {
    /// Answers one request.
    public typealias Handler = @Sendable (HTTPRequestMessage) async throws -> HTTPResponseMessage

    private let handler: Handler

    /// Creates a transport that answers with `handler`.
    public init(_ handler: @escaping Handler) {
        self.handler = handler
    }

    /// The handler's answer; any error that is not a ``ChannelKit/TransportError`` becomes
    /// ``ChannelKit/TransportError/Kind/connectionLost``.
    public func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        do {
            return try await handler(request)
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError(.connectionLost, "scripted bank failed: \(error)")
        }
    }

    /// The handler's answer, its body written to `file` and returned empty.
    public func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage {
        var response = try await execute(request)
        do {
            try response.body.write(to: file)
        } catch {
            throw TransportError(.fileError, "cannot write \(file.lastPathComponent): \(error)")
        }
        response.body = Data()
        return response
    }
}
