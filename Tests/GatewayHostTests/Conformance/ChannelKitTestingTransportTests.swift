import ChannelKit
import ChannelKitTesting
import Foundation
import Testing

/// ChannelKitTesting's pieces on their own: the loopback HTTP server, URLSessionTransport's mapping of every
/// kind of failure to a TransportError kind, and the fault-injecting proxy.
@Suite("ChannelKitTesting: LoopbackHTTPServer, URLSessionTransport, FaultInjectingTransport")
struct ChannelKitTestingTransportTests {
    @Test("the loopback server answers over keep-alive connections, passes method, target, headers and body, and stops cleanly")
    func loopbackServer() async throws {
        let server = try LoopbackHTTPServer { request in
            HTTPResponseMessage(
                status: 201, headers: [HTTPHeaderField("X-Echo-Method", request.method), HTTPHeaderField("X-Echo-Target", request.target)],
                body: Data("got \(request.body.count) bytes, x-test=\(request.headers.value(for: "x-test") ?? "-")".utf8))
        }
        #expect(server.port > 0)
        let transport = URLSessionTransport(requestTimeout: .seconds(60))
        for round in 0..<3 {
            let body = Data(repeating: UInt8(ascii: "a"), count: 70_000 + round)
            let response = try await transport.execute(
                HTTPRequestMessage(
                    method: "POST", url: URL(string: server.baseURL.absoluteString + "/pay?x=\(round)")!,
                    headers: [HTTPHeaderField("X-Test", "t\(round)")], body: body))
            #expect(response.status == 201)
            #expect(response.headers.value(for: "x-echo-method") == "POST")
            #expect(response.headers.value(for: "x-echo-target") == "/pay?x=\(round)")
            #expect(String(decoding: response.body, as: UTF8.self) == "got \(body.count) bytes, x-test=t\(round)")
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("loopback-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        let downloaded = try await transport.download(HTTPRequestMessage(method: "GET", url: server.baseURL.appendingPathComponent("file")), to: file)
        #expect(downloaded.status == 201)
        #expect(try String(contentsOf: file, encoding: .utf8) == "got 0 bytes, x-test=-")

        server.stop()
        server.stop()
        // Nothing listens any more: the request cannot have been sent.
        await #expect(throws: TransportError.self) {
            _ = try await transport.execute(HTTPRequestMessage(method: "GET", url: server.baseURL.appendingPathComponent("again")))
        }
        do {
            _ = try await transport.execute(HTTPRequestMessage(method: "GET", url: server.baseURL.appendingPathComponent("again")))
        } catch let error as TransportError {
            #expect(error.kind == .notSent, "\(error)")
        }
    }

    @Test("URLSessionTransport: an answer that never comes is timed_out, a connection closed without an answer may have been sent")
    func transportFailureKinds() async throws {
        let server = try LoopbackHTTPServer { request in
            if request.path == "/hang" {
                try? await Task.sleep(for: .seconds(2))
                return HTTPResponseMessage(status: 200)
            }
            return LoopbackHTTPServer.closeWithoutAnswer
        }
        defer { server.stop() }
        // 60 s is a liveness bound for the requests without their own timeout: the server's handler runs on the
        // cooperative pool, which CPU-heavy tests beside this one can hold for tens of seconds.
        let transport = URLSessionTransport(requestTimeout: .seconds(60))
        do {
            _ = try await transport.execute(
                HTTPRequestMessage(method: "POST", url: server.baseURL.appendingPathComponent("hang"), body: Data("x".utf8), timeout: .milliseconds(500)))
            Issue.record("a request whose answer never came returned")
        } catch let error as TransportError {
            #expect(error.kind == .timedOut, "\(error)")
        }
        do {
            _ = try await transport.execute(HTTPRequestMessage(method: "POST", url: server.baseURL.appendingPathComponent("drop"), body: Data("x".utf8)))
            Issue.record("a request whose connection was closed without an answer returned")
        } catch let error as TransportError {
            #expect(error.requestMayHaveBeenSent, "\(error)")
            #expect([TransportError.Kind.connectionLost, .invalidResponse].contains(error.kind), "\(error)")
        }
    }

    @Test("FaultInjectingTransport forwards or not as each fault says, and corrupts the answer's transaction id")
    func faultInjection() async throws {
        let seen = Counter()
        let bank = ScriptedTransport { request in
            seen.increment()
            return HTTPResponseMessage(
                status: 200, headers: [HTTPHeaderField("X-Signature", "abcdef")], body: Data(#"{"id":"ck42","amount":100}"#.utf8))
        }
        let proxy = FaultInjectingTransport(wrapping: bank)
        let request = HTTPRequestMessage(method: "POST", url: URL(string: "http://127.0.0.1:9/pay")!, body: Data("ck42".utf8))
        let expected: [TransportFault: (forwarded: Bool, kind: TransportError.Kind?)] = [
            .resetBeforeSend: (false, .notSent), .timeoutAfterSend: (true, .timedOut), .connectionLostAfterSend: (true, .connectionLost),
            .serverError: (false, nil), .truncatedAnswer: (true, nil), .corruptedAnswer: (true, nil), .corruptedSignatureHeader: (true, nil),
        ]
        for fault in TransportFault.allCases {
            let before = seen.value
            proxy.inject(fault, corrupting: "ck42")
            let result: Result<HTTPResponseMessage, TransportError>
            do { result = .success(try await proxy.execute(request)) } catch let error as TransportError { result = .failure(error) }
            let want = try #require(expected[fault])
            #expect((seen.value > before) == want.forwarded, "\(fault)")
            #expect(fault.forwardsRequest == want.forwarded, "\(fault)")
            #expect(proxy.exchanges.last?.fault == fault)
            switch result {
            case .failure(let error): #expect(error.kind == want.kind, "\(fault): \(error)")
            case .success(let response):
                #expect(want.kind == nil, "\(fault)")
                let text = String(decoding: response.body, as: UTF8.self)
                switch fault {
                case .serverError: #expect(response.status == 500)
                case .truncatedAnswer: #expect(response.body.count == 13)
                case .corruptedAnswer: #expect(text == #"{"id":"ck43","amount":100}"#)
                case .corruptedSignatureHeader:
                    #expect(response.headers.value(for: "X-Signature") != "abcdef")
                    #expect(text == #"{"id":"ck42","amount":100}"#)
                default: Issue.record("\(fault) answered")
                }
            }
        }
        proxy.inject(nil)
        let clean = try await proxy.execute(request)
        #expect(String(decoding: clean.body, as: UTF8.self) == #"{"id":"ck42","amount":100}"#)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
