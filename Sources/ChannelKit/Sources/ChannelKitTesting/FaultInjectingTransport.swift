import ChannelKit
import Foundation

/// An ``ChannelKit/HTTPTransport`` proxy around a bank's transport: it records every exchange and, while a
/// fault is set, injects it into every request (see ``TransportFault``).
///
/// ```swift
/// let proxy = FaultInjectingTransport(wrapping: URLSessionTransport())
/// proxy.inject(.timeoutAfterSend, corrupting: request.transactionId)
/// let outcome = try await channel.pay(request)       // the bank charged; the channel saw a timeout
/// proxy.inject(nil)
/// ```
public final class FaultInjectingTransport: HTTPTransport, @unchecked Sendable {
    /// One request and what became of it.
    public struct Exchange: Hashable, Sendable {
        /// The request as the channel handed it over.
        public var request: HTTPRequestMessage
        /// The answer the channel got (after any corruption), if any.
        public var response: HTTPResponseMessage?
        /// The error the channel got, if any.
        public var error: TransportError?
        /// The fault injected, if any.
        public var fault: TransportFault?
        /// Whether the request reached the bank's transport.
        public var forwarded: Bool
    }

    private let base: any HTTPTransport
    private let lock = NSLock()
    private var fault: TransportFault?
    private var marker: String?
    private var log: [Exchange] = []

    /// Wraps `base`, the transport that reaches the bank.
    public init(wrapping base: any HTTPTransport) {
        self.base = base
    }

    /// Injects `fault` into every request from now on (`nil`: none). `marker` is the text a
    /// ``TransportFault/corruptedAnswer`` changes in the answer (usually the transaction id).
    public func inject(_ fault: TransportFault?, corrupting marker: String? = nil) {
        lock.withLock {
            self.fault = fault
            self.marker = marker
        }
    }

    /// Every exchange so far, in order.
    public var exchanges: [Exchange] { lock.withLock { log } }

    /// Forgets the exchanges recorded so far.
    public func clearExchanges() { lock.withLock { log.removeAll() } }

    /// Sends `request` through the base transport, or fails it as the current fault says.
    public func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        try await perform(request) { try await self.base.execute($0) }
    }

    /// Downloads through the base transport, or fails as the current fault says (a corrupted answer's body is
    /// corrupted in the file).
    public func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage {
        try await perform(request, file: file) { try await self.base.download($0, to: file) }
    }

    private func perform(
        _ request: HTTPRequestMessage, file: URL? = nil,
        _ send: @Sendable (HTTPRequestMessage) async throws -> HTTPResponseMessage
    ) async throws -> HTTPResponseMessage {
        let (fault, marker) = lock.withLock { (self.fault, self.marker) }
        var exchange = Exchange(request: request, response: nil, error: nil, fault: fault, forwarded: false)
        defer { lock.withLock { log.append(exchange) } }
        if fault == .resetBeforeSend {
            let error = TransportError(.notSent, "connection reset before the request was sent (injected)")
            exchange.error = error
            throw error
        }
        if fault == .serverError {
            let response = HTTPResponseMessage(
                status: 500, headers: [HTTPHeaderField("Content-Type", "text/plain")],
                body: Data("internal server error (injected)".utf8))
            exchange.response = response
            return response
        }
        exchange.forwarded = true
        var response: HTTPResponseMessage
        do {
            response = try await send(request)
        } catch let error as TransportError {
            exchange.error = error
            throw error
        } catch {
            let wrapped = TransportError(.connectionLost, "transport failed: \(error)")
            exchange.error = wrapped
            throw wrapped
        }
        switch fault {
        case .timeoutAfterSend:
            let error = TransportError(.timedOut, "no answer in time after the request was sent (injected)")
            exchange.error = error
            throw error
        case .connectionLostAfterSend:
            let error = TransportError(.connectionLost, "connection lost after the request was sent (injected)")
            exchange.error = error
            throw error
        case .truncatedAnswer, .corruptedAnswer, .corruptedSignatureHeader:
            var body = response.body
            if let file { body = (try? Data(contentsOf: file)) ?? Data() }
            switch fault {
            case .truncatedAnswer: body = body.prefix(body.count / 2)
            case .corruptedAnswer: body = Self.corrupt(body, marker: marker)
            default:
                response.headers = response.headers.map { field in
                    guard field.name.lowercased().contains("sign") else { return field }
                    return HTTPHeaderField(field.name, Self.corruptText(field.value))
                }
            }
            if let file {
                try? body.write(to: file)
            } else {
                response.body = body
            }
        default:
            break
        }
        exchange.response = response
        return response
    }

    /// `body` with the last character of every occurrence of `marker` changed, or a byte in the middle flipped.
    static func corrupt(_ body: Data, marker: String?) -> Data {
        var bytes = [UInt8](body)
        if let marker, !marker.isEmpty {
            let needle = [UInt8](marker.utf8)
            var changed = false
            var index = 0
            while index + needle.count <= bytes.count {
                if bytes[index..<(index + needle.count)].elementsEqual(needle) {
                    let last = index + needle.count - 1
                    bytes[last] = replacement(for: bytes[last])
                    changed = true
                    index += needle.count
                } else {
                    index += 1
                }
            }
            if changed { return Data(bytes) }
        }
        guard !bytes.isEmpty else { return body }
        let middle = bytes.count / 2
        bytes[middle] = replacement(for: bytes[middle])
        return Data(bytes)
    }

    /// A different printable character of the same class, so that the text stays well-formed.
    static func replacement(for byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "8"), UInt8(ascii: "a")...UInt8(ascii: "y"), UInt8(ascii: "A")...UInt8(ascii: "Y"):
            byte + 1
        case UInt8(ascii: "9"): UInt8(ascii: "0")
        case UInt8(ascii: "z"): UInt8(ascii: "a")
        case UInt8(ascii: "Z"): UInt8(ascii: "A")
        default: byte ^ 0x01
        }
    }

    static func corruptText(_ text: String) -> String {
        guard !text.isEmpty else { return "x" }
        var bytes = [UInt8](text.utf8)
        let middle = bytes.count / 2
        bytes[middle] = replacement(for: bytes[middle])
        return String(decoding: bytes, as: UTF8.self)
    }
}
