import AsyncHTTPClient
import ChannelKit
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP transport the gateway lends a channel: AsyncHTTPClient with a connection pool of its own and
/// the channel's timeouts. Errors are classified for the payment truths: only a failure to connect proves
/// the bank saw nothing (`TransportError.Kind.notSent`); everything after that may have reached it.
final class GatewayHTTPTransport: HTTPTransport {
    /// The largest response body `execute` buffers.
    static let maximumBodyBytes = 16 * 1024 * 1024

    let client: HTTPClient
    private let timeouts: ChannelTimeouts

    init(timeouts: ChannelTimeouts, maximumConnections: Int = 128) {
        self.timeouts = timeouts
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: Self.timeAmount(timeouts.connect), read: nil),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maximumConnections))
        configuration.redirectConfiguration = .disallow
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        let timeout = Self.timeAmount(request.timeout ?? timeouts.request)
        let tracker = BankCallTracker.current
        tracker?.sending()
        do {
            let response = try await client.execute(try Self.makeRequest(request), timeout: timeout)
            let body = try await response.body.collect(upTo: Self.maximumBodyBytes)
            return HTTPResponseMessage(
                status: Int(response.status.code), headers: Self.headers(response.headers), body: Data(buffer: body))
        } catch {
            let failure = (error as? TransportError) ?? Self.classify(error)
            if !failure.requestMayHaveBeenSent { tracker?.notSent() }
            throw failure
        }
    }

    func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage {
        let timeout = Self.timeAmount(request.timeout ?? timeouts.download)
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: file)
        else {
            throw TransportError(.fileError, "cannot create \(file.lastPathComponent)")
        }
        defer { try? handle.close() }
        let tracker = BankCallTracker.current
        tracker?.sending()
        do {
            let response = try await client.execute(try Self.makeRequest(request), timeout: timeout)
            for try await chunk in response.body {
                do {
                    try handle.write(contentsOf: Data(buffer: chunk))
                } catch {
                    throw TransportError(.fileError, "cannot write \(file.lastPathComponent): \(error)")
                }
            }
            try? handle.synchronize()
            return HTTPResponseMessage(status: Int(response.status.code), headers: Self.headers(response.headers))
        } catch {
            let failure = (error as? TransportError) ?? Self.classify(error)
            if !failure.requestMayHaveBeenSent { tracker?.notSent() }
            throw failure
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    private static func makeRequest(_ message: HTTPRequestMessage) throws -> HTTPClientRequest {
        guard let scheme = message.url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw TransportError(.notSent, "unsupported URL scheme in \(message.url.absoluteString)")
        }
        var request = HTTPClientRequest(url: message.url.absoluteString)
        request.method = HTTPMethod(rawValue: message.method.uppercased())
        for field in message.headers { request.headers.add(name: field.name, value: field.value) }
        if !message.body.isEmpty || request.method == .POST || request.method == .PUT {
            request.body = .bytes(ByteBuffer(bytes: message.body))
        }
        return request
    }

    private static func headers(_ fields: HTTPHeaders) -> [HTTPHeaderField] {
        fields.map { HTTPHeaderField($0.name, $0.value) }
    }

    /// Classifies a client error by whether the bank may have seen the request.
    static func classify(_ error: any Error) -> TransportError {
        if let client = error as? HTTPClientError {
            if client == .connectTimeout { return TransportError(.notSent, "connect timeout") }
            if client == .invalidURL || client == .emptyHost || client == .emptyScheme {
                return TransportError(.notSent, "\(client)")
            }
            if client == .deadlineExceeded || client == .readTimeout || client == .writeTimeout {
                return TransportError(.timedOut, "\(client)")
            }
            if client == .bodyLengthMismatch {
                return TransportError(.invalidResponse, "\(client)")
            }
            return TransportError(.connectionLost, "\(client)")
        }
        if error is NIOConnectionError || error is SocketAddressError {
            return TransportError(.notSent, "cannot connect: \(error)")
        }
        if let io = error as? IOError, [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(io.errnoCode) {
            return TransportError(.notSent, "cannot connect: \(io)")
        }
        return TransportError(.connectionLost, "\(error)")
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
