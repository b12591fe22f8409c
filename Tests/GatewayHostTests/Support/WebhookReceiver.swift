import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A merchant's webhook endpoint for tests: a real HTTP server on 127.0.0.1 that records every request it
/// receives (headers, body, time, what it answered) and answers according to a ``Plan`` that the test can
/// change at any time. It can be stopped (the port is closed: connections are refused) and started again on
/// the same port, so a sender sees the endpoint go down and come back.
final class WebhookReceiver: Sendable {
    /// How the receiver answers: a status code for the n-th request it receives (1-based, counted over the
    /// receiver's whole life, restarts included).
    struct Plan: Sendable {
        let status: @Sendable (_ number: Int) -> Int

        /// Always `status`.
        static func always(_ status: Int) -> Plan { Plan { _ in status } }

        /// `status` for the first `count` requests, then 200.
        static func failing(first count: Int, with status: Int) -> Plan { Plan { $0 <= count ? status : 200 } }
    }

    /// One request as the receiver saw it.
    struct Received: Sendable {
        /// 1-based position among all requests this receiver received.
        let number: Int
        let method: String
        /// Path plus query.
        let target: String
        /// Header fields in order, names as sent.
        let headers: [(name: String, value: String)]
        let body: Data
        /// When the request (with its whole body) had arrived.
        let receivedAt: Date
        /// The status the receiver answered.
        let answeredStatus: Int

        /// The first value of header `name` (case-insensitive).
        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        /// The body as a JSON object (empty when it is not one).
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    private struct State {
        var plan: Plan
        var received: [Received] = []
        var server: LoopbackServer?
    }

    /// The port, the same across restarts.
    let port: Int
    private let state: Mutex<State>

    private init(port: Int, state: State) {
        self.port = port
        self.state = Mutex(state)
    }

    /// Starts a receiver on a free port of 127.0.0.1 answering by `plan`.
    static func start(plan: Plan = .always(200)) async throws -> WebhookReceiver {
        let box = Mutex<WebhookReceiver?>(nil)
        // The responder needs the receiver, and the receiver needs the port the server got: bind first with a
        // responder that finds the receiver through `box` (set before the port is handed out).
        let (server, port) = try await listen(port: 0) { request in
            guard let receiver = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return try await receiver.respond(to: request)
        }
        let receiver = WebhookReceiver(port: port, state: State(plan: plan, server: server))
        box.withLock { $0 = receiver }
        return receiver
    }

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String = "/webhooks") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Every request received so far, in order of arrival.
    var received: [Received] { state.withLock { $0.received } }

    /// Whether the port is open.
    var isListening: Bool { state.withLock { $0.server != nil } }

    /// Replaces the plan; it applies to requests arriving from now on.
    func setPlan(_ plan: Plan) { state.withLock { $0.plan = plan } }

    /// Closes the port (and every open connection, once its request is answered); further connections are
    /// refused. Idempotent.
    func stop() async {
        guard let server = state.withLock({ state in defer { state.server = nil }; return state.server }) else { return }
        await server.stop()
    }

    /// Listens again on the same port (after ``stop()``), with `plan` if one is given.
    func restart(plan: Plan? = nil) async throws {
        await stop()
        if let plan { setPlan(plan) }
        // The old socket may linger for a moment; SO_REUSEADDR (Hummingbird's default) lets us bind anyway,
        // but retry briefly in case the old listener has not closed yet.
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do {
                let (server, _) = try await Self.listen(port: port) { [self] request in try await respond(to: request) }
                state.withLock { $0.server = server }
                return
            } catch {
                guard ContinuousClock.now < deadline else {
                    throw HarnessError("webhook receiver: cannot listen on \(port) again: \(error)")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Waits until at least `count` requests have arrived; returns them all. Throws after `timeout`.
    @discardableResult
    func waitForRequests(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let received = self.received
            if received.count >= count { return received }
            guard ContinuousClock.now < deadline else {
                throw HarnessError("webhook receiver got \(received.count) requests, not \(count), within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func respond(to request: Request) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 16 << 20)
        let headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        let status = state.withLock { state in
            let number = state.received.count + 1
            let status = state.plan.status(number)
            state.received.append(
                Received(
                    number: number, method: request.method.rawValue, target: request.uri.description, headers: headers,
                    body: Data(buffer.readableBytesView), receivedAt: Date(), answeredStatus: status))
            return status
        }
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "text/plain"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "answered \(status)\n")))
    }

    private static func listen(
        port: Int, _ handler: @escaping @Sendable (Request) async throws -> Response
    ) async throws -> (LoopbackServer, Int) {
        try await LoopbackServer.listen(port: port, label: "webhook-receiver", handler)
    }
}
