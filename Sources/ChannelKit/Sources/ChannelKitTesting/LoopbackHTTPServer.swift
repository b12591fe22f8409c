import ChannelKit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for tests and example banks: POSIX sockets, one thread per
/// connection, `Content-Length` bodies, keep-alive, and a clean ``stop()``.
///
/// ```swift
/// let server = try LoopbackHTTPServer { request in
///     HTTPResponseMessage(status: 200, headers: [HTTPHeaderField("Content-Type", "text/plain")],
///                         body: Data("hello \(request.method) \(request.target)".utf8))
/// }
/// defer { server.stop() }
/// let url = server.baseURL.appendingPathComponent("pay")     // http://127.0.0.1:PORT/pay
/// ```
///
/// It listens only on the loopback interface. A request with a chunked body is answered 411; a header block
/// above 64 KiB or a body above ``maximumBodySize`` is answered 413 and the connection closed. The handler may
/// answer ``closeWithoutAnswer`` to drop the connection without a response (a bank that resets).
public final class LoopbackHTTPServer: Sendable {
    /// One request as received.
    public struct Request: Hashable, Sendable {
        /// The method (`GET`, `POST`...).
        public var method: String
        /// The request target exactly as sent: the path and, when present, `?` and the query.
        public var target: String
        /// The header fields, in order.
        public var headers: [HTTPHeaderField]
        /// The body bytes.
        public var body: Data

        /// Creates a request.
        public init(method: String, target: String, headers: [HTTPHeaderField], body: Data) {
            self.method = method
            self.target = target
            self.headers = headers
            self.body = body
        }

        /// The target without its query.
        public var path: String { String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "") }

        /// The request as a channel's ``ChannelKit/InboundNotification``, received now.
        public func notification(receivedAt: Date = Date()) -> InboundNotification {
            InboundNotification(method: method, target: target, headers: headers, body: body, receivedAt: receivedAt)
        }
    }

    /// Answers one request. Called on its own task for every request.
    public typealias Handler = @Sendable (Request) async -> HTTPResponseMessage

    /// The answer that closes the connection without sending a response.
    public static let closeWithoutAnswer = HTTPResponseMessage(status: 0)

    /// The largest request body accepted: 64 MiB.
    public static let maximumBodySize = 64 << 20

    /// The port it listens on (the one picked when created with port 0).
    public let port: Int

    private let state: ServerState

    /// Starts listening on 127.0.0.1:`port` (0: a free port) and serves every request with `handler`.
    /// - Parameter keepAlive: whether a connection may carry several requests (HTTP/1.1's default); when
    ///   false every answer says `Connection: close`.
    /// - Throws: ``LoopbackHTTPServerError`` when the socket cannot be opened, bound or listened on.
    public init(port: Int = 0, keepAlive: Bool = true, handler: @escaping Handler) throws {
        let fd = socket(AF_INET, Int32(SocketType.stream), 0)
        guard fd >= 0 else { throw LoopbackHTTPServerError("socket", errno) }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw LoopbackHTTPServerError("bind 127.0.0.1:\(port)", code)
        }
        guard listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw LoopbackHTTPServerError("listen", code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        state = ServerState(listener: fd, keepAlive: keepAlive, handler: handler)
        state.start()
    }

    deinit {
        state.stop()
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Stops listening, closes every connection and waits (up to 5 seconds) for the connection threads to end.
    /// Requests being handled are cut off. Calling it again does nothing.
    public func stop() {
        state.stop()
    }
}

/// Why a ``LoopbackHTTPServer`` could not start.
public struct LoopbackHTTPServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The call that failed and the system's reason.
    public var message: String

    init(_ call: String, _ code: Int32) {
        message = "\(call) failed: \(String(cString: strerror(code)))"
    }

    /// The message.
    public var description: String { message }
}

private enum SocketType {
    #if canImport(Glibc) || canImport(Musl)
    static let stream = Int(SOCK_STREAM.rawValue)
    #else
    static let stream = Int(SOCK_STREAM)
    #endif
}

/// What the listening and connection threads share.
private final class ServerState: @unchecked Sendable {
    let listener: Int32
    let keepAlive: Bool
    let handler: LoopbackHTTPServer.Handler
    private let lock = NSLock()
    private var stopped = false
    private var connections: Set<Int32> = []
    private let threads = DispatchGroup()

    init(listener: Int32, keepAlive: Bool, handler: @escaping LoopbackHTTPServer.Handler) {
        self.listener = listener
        self.keepAlive = keepAlive
        self.handler = handler
    }

    func start() {
        threads.enter()
        let thread = Thread { [self] in
            acceptLoop()
            threads.leave()
        }
        thread.name = "LoopbackHTTPServer.accept"
        thread.start()
    }

    func stop() {
        let open: Set<Int32>? = lock.withLock {
            guard !stopped else { return nil }
            stopped = true
            return connections
        }
        guard let open else { return }
        _ = shutdown(listener, Int32(SHUT_RDWR))
        for fd in open { _ = shutdown(fd, Int32(SHUT_RDWR)) }
        _ = threads.wait(timeout: .now() + 5)
        close(listener)
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR && !isStopped { continue }
                if isStopped { return }
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM || errno == ECONNABORTED {
                    usleep(10_000)
                    continue
                }
                return
            }
            #if canImport(Darwin)
            var yes: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
            #endif
            let accepted: Bool = lock.withLock {
                guard !stopped else { return false }
                connections.insert(fd)
                return true
            }
            guard accepted else {
                close(fd)
                return
            }
            threads.enter()
            let thread = Thread { [self] in
                serve(fd)
                lock.withLock { _ = connections.remove(fd) }
                close(fd)
                threads.leave()
            }
            thread.name = "LoopbackHTTPServer.connection"
            thread.start()
        }
    }

    /// Serves requests on one connection until it closes, errs or the server stops.
    private func serve(_ fd: Int32) {
        var buffer = [UInt8]()
        while !isStopped {
            guard let read = readRequest(fd, &buffer), let request = read.0 else { return }
            let close = read.1
            let response = answer(request)
            if response.status == 0 { return }
            let keepOpen = keepAlive && !close
            guard write(fd, serialize(response, keepOpen: keepOpen)) else { return }
            if !keepOpen { return }
        }
    }

    /// The handler's answer, waited for on this thread.
    private func answer(_ request: LoopbackHTTPServer.Request) -> HTTPResponseMessage {
        let box = ResponseBox()
        let done = DispatchSemaphore(value: 0)
        let handler = self.handler
        Task {
            box.value = await handler(request)
            done.signal()
        }
        done.wait()
        return box.value ?? HTTPResponseMessage(status: 500)
    }

    /// Reads one request: `nil` when the connection ended or broke; `(nil, _)` after an error answer was sent;
    /// else the request and whether the client asked to close.
    private func readRequest(_ fd: Int32, _ buffer: inout [UInt8]) -> (LoopbackHTTPServer.Request?, Bool)? {
        let limit = 64 << 10
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headerEnd != nil { break }
            if buffer.count > limit {
                _ = write(fd, serialize(HTTPResponseMessage(status: 431), keepOpen: false))
                return (nil, true)
            }
            guard receive(fd, &buffer) else { return nil }
        }
        guard let end = headerEnd else { return nil }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: true)
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else {
            _ = write(fd, serialize(HTTPResponseMessage(status: 400), keepOpen: false))
            return (nil, true)
        }
        var headers: [HTTPHeaderField] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                _ = write(fd, serialize(HTTPResponseMessage(status: 400), keepOpen: false))
                return (nil, true)
            }
            headers.append(HTTPHeaderField(
                String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        if headers.value(for: "Transfer-Encoding") != nil {
            _ = write(fd, serialize(HTTPResponseMessage(status: 411), keepOpen: false))
            return (nil, true)
        }
        let length = headers.value(for: "Content-Length").map { Int($0) } ?? 0
        guard let length, length >= 0 else {
            _ = write(fd, serialize(HTTPResponseMessage(status: 400), keepOpen: false))
            return (nil, true)
        }
        guard length <= LoopbackHTTPServer.maximumBodySize else {
            _ = write(fd, serialize(HTTPResponseMessage(status: 413), keepOpen: false))
            return (nil, true)
        }
        let bodyStart = end + 4
        while buffer.count < bodyStart + length {
            guard receive(fd, &buffer) else { return nil }
        }
        let body = Data(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        let connection = headers.value(for: "Connection")?.lowercased()
        let close = connection == "close" || (requestLine[2] == "HTTP/1.0" && connection != "keep-alive")
        let request = LoopbackHTTPServer.Request(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
        return (request, close)
    }

    private func receive(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count < 0 && errno == EINTR { continue }
            return false
        }
    }

    private func write(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        #if canImport(Darwin)
        let flags: Int32 = 0
        #else
        let flags = Int32(MSG_NOSIGNAL)
        #endif
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, flags) }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    private func serialize(_ response: HTTPResponseMessage, keepOpen: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for field in response.headers {
            let name = field.name.lowercased()
            if name == "content-length" || name == "connection" || name == "transfer-encoding" { continue }
            head += "\(field.name): \(field.value)\r\n"
        }
        head += "Content-Length: \(response.body.count)\r\n"
        head += "Connection: \(keepOpen ? "keep-alive" : "close")\r\n\r\n"
        return Array(head.utf8) + [UInt8](response.body)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
        }
        return nil
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

private final class ResponseBox: @unchecked Sendable {
    var value: HTTPResponseMessage?
}
