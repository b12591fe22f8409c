import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Fetches admin API resources. One short-lived `HTTPClient` per call, shut down before returning.
struct AdminClient: Sendable {
    /// The admin API base URL.
    let url: AdminURL
    /// How long a whole request may take.
    let timeout: TimeAmount
    /// The admin bearer token, sent on every request.
    var token: String?

    /// GETs `path` and returns the body of a 2xx answer.
    func get(_ path: String) async throws(AdminClientError) -> [UInt8] {
        try await send("GET", path)
    }

    /// POSTs `body` (JSON) to `path` and returns the body of a 2xx answer.
    func post(_ path: String, body: [UInt8]) async throws(AdminClientError) -> [UInt8] {
        try await send("POST", path, body: body)
    }

    /// POSTs `body` to `path` asking for `application/x-ndjson` and hands each answer line to `line` as it
    /// arrives (a long operation's progress). A non-2xx answer fails as `post` does.
    func stream(_ path: String, body: [UInt8], line: @Sendable ([UInt8]) -> Void) async throws(AdminClientError) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: min(timeout, .seconds(2)), read: timeout)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        let target = url.appending(path: path)
        let timeout = timeout
        let result: Result<Void, AdminClientError>
        do {
            result = try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                var request = HTTPClientRequest(url: target)
                request.method = .POST
                request.headers.add(name: "Accept", value: "application/x-ndjson")
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: body))
                if let token = self.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
                let response = try await client.execute(request, timeout: timeout)
                guard (200..<300).contains(response.status.code) else {
                    let body = try await response.body.collect(upTo: 1024 * 1024)
                    if response.status.code == 401 {
                        return .failure(.notAuthorized(body: String(buffer: body), url: target, tokenGiven: self.token != nil))
                    }
                    return .failure(.httpStatus(Int(response.status.code), reason: response.status.reasonPhrase,
                        body: String(buffer: body), url: target))
                }
                var pending: [UInt8] = []
                for try await chunk in response.body {
                    pending.append(contentsOf: chunk.readableBytesView)
                    while let end = pending.firstIndex(of: 0x0A) {
                        line(Array(pending[..<end]))
                        pending.removeSubrange(...end)
                    }
                }
                if !pending.isEmpty { line(pending) }
                return .success(())
            }
        } catch {
            throw .unreachable(url: url.shown, reason: Self.describe(error))
        }
        try result.get()
    }

    private func send(_ method: String, _ path: String, body: [UInt8]? = nil) async throws(AdminClientError) -> [UInt8] {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: min(timeout, .seconds(2)), read: timeout)
        // A refused connection should fail the request at once instead of being retried until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        let target = url.appending(path: path)
        let timeout = timeout
        let result: Result<[UInt8], AdminClientError>
        do {
            result = try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                var request = HTTPClientRequest(url: target)
                request.method = .RAW(value: method)
                request.headers.add(name: "Accept", value: "application/json")
                if let body {
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(bytes: body))
                }
                if let token = self.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
                let response = try await client.execute(request, timeout: timeout)
                let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
                if response.status.code == 401 {
                    return .failure(.notAuthorized(body: String(buffer: body), url: target, tokenGiven: self.token != nil))
                }
                guard (200..<300).contains(response.status.code) else {
                    return .failure(.httpStatus(Int(response.status.code), reason: response.status.reasonPhrase,
                        body: String(buffer: body), url: target))
                }
                return .success(Array(buffer: body))
            }
        } catch {
            throw .unreachable(url: url.shown, reason: Self.describe(error))
        }
        return try result.get()
    }

    /// A short human reason for a transport error: "connection refused", "timed out", ….
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .connectTimeout:
            return "connection timed out"
        case let error as HTTPClientError
        where error == .deadlineExceeded || error == .readTimeout || error == .writeTimeout:
            return "no answer in time"
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            return "connection closed by the server"
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first?.error { return describe(first) }
            if let dns = error.dnsAAAAError ?? error.dnsAError { return "host not found: \(dns)" }
            return "cannot connect"
        case let error as IOError:
            return errnoText(error.errnoCode)
        case is ChannelError:
            return "\(error)"
        case let error as HTTPClientError:
            return error.shortDescription
        default:
            return "\(error)"
        }
    }

    private static func errnoText(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ETIMEDOUT: return "connection timed out"
        case EHOSTUNREACH, ENETUNREACH: return "no route to host"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}
