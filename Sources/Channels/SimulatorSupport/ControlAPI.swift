import Foundation
import HTTPTypes
import Hummingbird

/// The simulator's control API under `/_sim`: unsigned, loopback callers only.
///
/// - `GET /_sim/record`: requests (including refused ones), payments, refunds and notification attempts;
/// - `GET /_sim/clock`: the clock's state;
/// - `POST /_sim/clock` `{"offset_ms": N}` | `{"fixed_ms": N}`: changes the clock;
/// - `GET /_sim/faults`, `PUT /_sim/faults`: the run's fault rates, seed and `query_unavailable` switch
///   (see `ControlAPI+Faults.swift`).
public struct ControlAPI: Sendable {
    let clock: SimulatorClock
    let faults: FaultInjector
    /// The bank's record (a ``SimRecord`` for every simulator built on ``SimBook``).
    let record: @Sendable () async -> any Encodable & Sendable
    /// The clock's time as the bank writes it, for `GET /_sim/clock`'s `now`.
    let bankTime: @Sendable (Int64) -> String

    public init(
        clock: SimulatorClock, faults: FaultInjector, bankTime: @escaping @Sendable (Int64) -> String,
        record: @escaping @Sendable () async -> any Encodable & Sendable
    ) {
        self.clock = clock
        self.faults = faults
        self.bankTime = bankTime
        self.record = record
    }

    /// A control API whose record is `book`'s.
    public init(clock: SimulatorClock, faults: FaultInjector, book: SimBook, bankTime: @escaping @Sendable (Int64) -> String) {
        self.init(clock: clock, faults: faults, bankTime: bankTime, record: { await book.record() })
    }

    /// Adds the control routes.
    public func register(on router: Router<SimRequestContext>) {
        router.get("/_sim/record") { _, context in
            guard context.isLoopbackPeer else { return Self.forbidden() }
            return Self.json(await record())
        }
        router.get("/_sim/clock") { _, context in
            guard context.isLoopbackPeer else { return Self.forbidden() }
            return Self.json(clockState())
        }
        router.post("/_sim/clock") { request, context in
            guard context.isLoopbackPeer else { return Self.forbidden() }
            var request = request
            let body = Data(try await request.collectBody(upTo: 1 << 16).readableBytesView)
            guard let change = try? JSONDecoder().decode(ClockChange.self, from: body) else {
                return Self.badRequest("expected {\"offset_ms\": N} or {\"fixed_ms\": N}")
            }
            switch (change.offset_ms, change.fixed_ms) {
            case (let offset?, nil) where SimulatorClock.validMilliseconds.contains(offset):
                clock.set(.offset(offset))
            case (nil, let fixed?) where SimulatorClock.validMilliseconds.contains(fixed):
                clock.set(.fixed(fixed))
            default: return Self.badRequest("expected exactly one of offset_ms, fixed_ms, within ±year 9999")
            }
            return Self.json(clockState())
        }
        registerFaults(on: router)
    }

    private struct ClockChange: Decodable {
        var offset_ms: Int64?
        var fixed_ms: Int64?
    }

    private struct ClockState: Encodable {
        var now_ms: Int64
        var now: String
        var offset_ms: Int64?
        var fixed_ms: Int64?
    }

    private func clockState() -> ClockState {
        let now = clock.nowMilliseconds
        let text = bankTime(now)
        switch clock.mode {
        case .offset(let offset): return ClockState(now_ms: now, now: text, offset_ms: offset, fixed_ms: nil)
        case .fixed(let fixed): return ClockState(now_ms: now, now: text, offset_ms: nil, fixed_ms: fixed)
        }
    }

    public static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    public static func forbidden() -> Response {
        json(["error": "control API is loopback only"], status: .forbidden)
    }

    public static func badRequest(_ message: String) -> Response {
        json(["error": message], status: .badRequest)
    }
}
