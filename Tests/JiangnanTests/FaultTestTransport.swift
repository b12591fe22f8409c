import AsyncHTTPClient
import ChannelKit
import Foundation
import NIOCore

/// The gateway's transport as far as a bank fault can tell: AsyncHTTPClient configured like
/// `GatewayHTTPTransport` (HTTP/1 only, no redirects, connect timeout, per-request deadline) and its error
/// classification (only a failure to connect is `notSent`). GatewayHost is not a dependency of these tests, so
/// this mirrors `GatewayHTTPTransport.classify`; keep the two alike.
struct FaultTestTransport: HTTPTransport {
    /// One client for all tests, never shut down (like `HTTPClient.shared`).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: .seconds(2), read: nil),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16))
        configuration.redirectConfiguration = .disallow
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The request deadline, like a channel's `timeouts.request`.
    var requestTimeout: Duration = .seconds(5)

    func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = .init(rawValue: request.method.uppercased())
        for field in request.headers { outgoing.headers.add(name: field.name, value: field.value) }
        if !request.body.isEmpty || outgoing.method == .POST { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let (seconds, attoseconds) = (request.timeout ?? requestTimeout).components
        do {
            let response = try await Self.client.execute(
                outgoing, timeout: .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
            let body = try await response.body.collect(upTo: 16 << 20)
            return HTTPResponseMessage(
                status: Int(response.status.code), headers: response.headers.map { HTTPHeaderField($0.name, $0.value) },
                body: Data(buffer: body))
        } catch {
            throw Self.classify(error)
        }
    }

    func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage {
        var response = try await execute(request)
        do { try response.body.write(to: file) } catch { throw TransportError(.fileError, "\(error)") }
        response.body = Data()
        return response
    }

    /// `GatewayHTTPTransport.classify`, with NIOPosix's `NIOConnectionError` recognised by name (NIOPosix is not
    /// a dependency of this test target).
    static func classify(_ error: any Error) -> TransportError {
        if let client = error as? HTTPClientError {
            if client == .connectTimeout { return TransportError(.notSent, "connect timeout") }
            if client == .invalidURL || client == .emptyHost || client == .emptyScheme {
                return TransportError(.notSent, "\(client)")
            }
            if client == .deadlineExceeded || client == .readTimeout || client == .writeTimeout {
                return TransportError(.timedOut, "\(client)")
            }
            if client == .bodyLengthMismatch { return TransportError(.invalidResponse, "\(client)") }
            return TransportError(.connectionLost, "\(client)")
        }
        if String(describing: type(of: error)) == "NIOConnectionError" || error is SocketAddressError {
            return TransportError(.notSent, "cannot connect: \(error)")
        }
        if let io = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(io.errnoCode) {
            return TransportError(.notSent, "cannot connect: \(io)")
        }
        return TransportError(.connectionLost, "\(error)")
    }
}
