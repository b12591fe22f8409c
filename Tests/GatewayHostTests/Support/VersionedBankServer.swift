import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// The bank of the `versioned-bank` fixture plugin: a real HTTP server on 127.0.0.1 that keeps the books
/// (payments and refunds by transaction id, deduplicated as a real bank does) and records, for every request,
/// the plugin version it came from (`X-Plugin-Version`). Each answer waits `delay`, so that calls are in flight
/// when a test swaps the plugin's version; `hold(version:count:)` keeps a few of one version's answers back
/// until `release()`, so that a test can be sure calls on the old version are still open when the new one
/// starts serving (a few: the test's HTTP client has 8 connections to the gateway, the flow must go on).
final class VersionedBankServer: Sendable {
    struct Request: Sendable {
        var operation: String
        var id: String
        var pluginVersion: String?
        var receivedAt: ContinuousClock.Instant
        var answeredAt: ContinuousClock.Instant
    }

    private struct State {
        var requests: [Request] = []
        var payments: [String: Int] = [:]
        var refunds: [String: Int] = [:]
        var server: LoopbackServer?
        var heldVersion: String?
        var toHold = 0
        var held = 0
    }

    let port: Int
    let delay: Duration
    private let state = Mutex(State())

    private init(port: Int, delay: Duration) {
        self.port = port
        self.delay = delay
    }

    static func start(delay: Duration = .milliseconds(200)) async throws -> VersionedBankServer {
        let box = Mutex<VersionedBankServer?>(nil)
        let (server, port) = try await LoopbackServer.listen(port: 0, label: "versioned-bank") { request in
            guard let bank = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return try await bank.respond(to: request)
        }
        let bank = VersionedBankServer(port: port, delay: delay)
        bank.state.withLock { $0.server = server }
        box.withLock { $0 = bank }
        return bank
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    var requests: [Request] { state.withLock { $0.requests } }

    /// The pay requests, in order of arrival.
    var pays: [Request] { requests.filter { $0.operation == "pay" } }

    /// Answers to the next `count` requests from `version` wait (after `delay`) until `release()`.
    func hold(version: String, count: Int) {
        state.withLock { state in
            state.heldVersion = version
            state.toHold = count
        }
    }

    /// Lets the held answers go.
    func release() {
        state.withLock { state in
            state.heldVersion = nil
            state.toHold = 0
        }
    }

    /// Requests waiting in a hold now.
    var held: Int { state.withLock { $0.held } }

    func stop() async {
        await state.withLock { state in defer { state.server = nil }; return state.server }?.stop()
    }

    private func respond(to request: Hummingbird.Request) async throws -> Response {
        let receivedAt = ContinuousClock.now
        let body = try await request.body.collect(upTo: 1 << 20)
        let fields = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: String] ?? [:]
        let operation = String(request.uri.path.dropFirst())
        let id = fields["id"] ?? ""
        let amount = Int(fields["amount"] ?? "") ?? 0
        try await Task.sleep(for: delay)
        let version = request.headers[.init("X-Plugin-Version")!]
        if state.withLock({ state in
            guard state.heldVersion != nil, state.heldVersion == version, state.toHold > 0 else { return false }
            state.toHold -= 1
            state.held += 1
            return true
        }) {
            while state.withLock({ $0.heldVersion == version }) { try await Task.sleep(for: .milliseconds(10)) }
            state.withLock { $0.held -= 1 }
        }
        let status: String = state.withLock { state in
            state.requests.append(
                Request(
                    operation: operation, id: id, pluginVersion: version,
                    receivedAt: receivedAt, answeredAt: .now))
            switch operation {
            case "pay":
                if let known = state.payments[id] { return known == amount ? "succeeded" : "declined" }
                state.payments[id] = amount
                return "succeeded"
            case "refund":
                guard state.payments[fields["payment_id"] ?? ""] != nil else { return "declined" }
                state.refunds[id] = amount
                return "succeeded"
            case "query":
                return state.payments[id] != nil || state.refunds[id] != nil ? "succeeded" : "not_found"
            default:
                return "declined"
            }
        }
        let answer = try JSONSerialization.data(withJSONObject: ["status": status, "bank_id": "VB-\(id)"])
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer)))
    }
}
