import ChannelKit
import Foundation
import JiangnanProtocol
import Synchronization

@testable import Jiangnan

/// The demo values of the interface document.
enum Demo {
    static let secret = "jn-demo-secret-0001"
    static let merchantNo = "JN8800001"
    static let vectorTime: Int64 = 1_764_057_600_000
    static let notifyURL = URL(string: "http://127.0.0.1:8080/v1/notify/jiangnan")!
    static let cny = Currency(code: "CNY")!

    static func money(_ fen: Int64) -> Money { Money(minorUnits: fen, currency: cny) }

    static func configuration(
        endpoint: String = "http://127.0.0.1:9100", settings: [String: String] = ["merchant_no": merchantNo],
        credentials: [String: Credential] = ["secret": Credential(current: Secret(secret))], currencies: [Currency] = [cny]
    ) -> ChannelConfiguration {
        ChannelConfiguration(
            channelId: "jiangnan", pluginId: "jiangnan", endpoint: URL(string: endpoint)!, settings: settings,
            credentials: credentials, currencies: currencies.map { CurrencyBound($0, maximumMinorUnits: 5_000_000) })
    }
}

/// A clock stuck at one instant.
struct FixedClock: ChannelClock {
    let milliseconds: Int64
    func now() -> Date { Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000) }
}

/// Collects log lines.
final class RecordingLogger: ChannelLogger {
    struct Entry: Sendable {
        let level: ChannelLogLevel
        let message: String
        let metadata: [String: String]
        var text: String { "\(level) \(message) \(metadata.sorted { $0.key < $1.key })" }
    }
    private let entries = Mutex<[Entry]>([])
    func log(_ level: ChannelLogLevel, _ message: String, metadata: [String: String]) {
        entries.withLock { $0.append(Entry(level: level, message: message, metadata: metadata)) }
    }
    var all: [Entry] { entries.withLock { $0 } }
}

/// A request as the fake bank saw it.
struct BankRequest: Sendable {
    let method: String
    let url: URL
    let target: String
    let headers: [HTTPHeaderField]
    let body: Data
    /// Whether the request's signature verified with the demo secret.
    let signatureValid: Bool
    /// 1 for the first request the bank saw, 2 for the second...
    let sequence: Int

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// What the fake bank does with a request.
enum BankAction: Sendable {
    /// A signed envelope `{"code","msg","data"}`.
    case envelope(code: String, msg: String, data: JiangnanJSON.Value?)
    /// A raw HTTP response, unchanged.
    case raw(HTTPResponseMessage)
    /// A transport failure.
    case fail(TransportError)
}

/// An in-test HTTPTransport that plays the bank: it verifies each request's signature with the demo secret
/// (refusing a bad one with a signed 3001) and answers as the test's handler says, signed with the demo
/// secret unless the handler returns a raw response.
final class FakeBank: HTTPTransport {
    let basePath: String
    let clock: FixedClock
    private let handler: @Sendable (BankRequest) -> BankAction
    private let state = Mutex<[BankRequest]>([])

    init(basePath: String = "", clock: FixedClock = FixedClock(milliseconds: Demo.vectorTime),
         _ handler: @escaping @Sendable (BankRequest) -> BankAction) {
        self.basePath = basePath
        self.clock = clock
        self.handler = handler
    }

    var requests: [BankRequest] { state.withLock { $0 } }

    func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        let seen = record(request)
        let action = seen.signatureValid
            ? handler(seen) : .envelope(code: JiangnanCode.badSignature, msg: "bad signature", data: nil)
        switch action {
        case .envelope(let code, let msg, let data):
            return Self.signedEnvelope(code: code, msg: msg, data: data, target: seen.target, timestamp: clock.milliseconds + 1000)
        case .raw(let response): return response
        case .fail(let error): throw error
        }
    }

    func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage {
        var response = try await execute(request)
        try response.body.write(to: file)
        response.body = Data()
        return response
    }

    private func record(_ request: HTTPRequestMessage) -> BankRequest {
        var components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)!
        var path = components.percentEncodedPath
        if !basePath.isEmpty, path.hasPrefix(basePath) { path.removeFirst(basePath.count) }
        components.percentEncodedPath = path
        let target = path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let headers = request.headers
        let valid =
            headers.value(for: JiangnanHeaders.merchantNo) == Demo.merchantNo
            && JiangnanSigner(secret: Demo.secret).isValid(
                headers.value(for: JiangnanHeaders.signature) ?? "", method: request.method, target: target,
                timestamp: headers.value(for: JiangnanHeaders.timestamp) ?? "",
                nonce: headers.value(for: JiangnanHeaders.nonce) ?? "", body: request.body)
        return state.withLock { all in
            let seen = BankRequest(
                method: request.method, url: request.url, target: target, headers: headers, body: request.body,
                signatureValid: valid, sequence: all.count + 1)
            all.append(seen)
            return seen
        }
    }

    /// A response signed like the bank signs (METHOD `RESP`).
    static func signed(
        body: Data, target: String, timestamp: Int64, nonce: String = "r-test01", secret: String = Demo.secret,
        contentType: String = "application/json"
    ) -> HTTPResponseMessage {
        let signature = JiangnanSigner(secret: secret).signature(
            method: "RESP", target: target, timestamp: String(timestamp), nonce: nonce, body: body)
        return HTTPResponseMessage(
            status: 200,
            headers: [
                HTTPHeaderField("Content-Type", contentType),
                HTTPHeaderField(JiangnanHeaders.timestamp, String(timestamp)),
                HTTPHeaderField(JiangnanHeaders.nonce, nonce),
                HTTPHeaderField(JiangnanHeaders.signature, signature),
            ],
            body: body)
    }

    static func envelopeBody(code: String, msg: String, data: JiangnanJSON.Value?) -> Data {
        JiangnanJSON.object([("code", .string(code)), ("msg", .string(msg)), ("data", data ?? .object([]))])
    }

    static func signedEnvelope(
        code: String, msg: String, data: JiangnanJSON.Value?, target: String, timestamp: Int64,
        secret: String = Demo.secret
    ) -> HTTPResponseMessage {
        signed(body: envelopeBody(code: code, msg: msg, data: data), target: target, timestamp: timestamp, secret: secret)
    }
}

/// Builds channels on a fake bank.
func makeChannel(
    bank: FakeBank, logger: RecordingLogger = RecordingLogger(), endpoint: String = "http://127.0.0.1:9100",
    nonce: (@Sendable () -> String)? = nil
) throws -> JiangnanChannel {
    let context = ChannelContext(
        configuration: Demo.configuration(endpoint: endpoint), transport: bank, logger: logger, clock: bank.clock,
        notifyURL: Demo.notifyURL)
    if let nonce { return try JiangnanChannel(context: context, makeNonce: nonce) }
    return try JiangnanChannel(context: context)
}

/// The `data` of a payment answer.
func tradeData(
    _ id: String, amount: Int64, status: String = "SUCCESS", tradeNo: String = "JN000000000000000001",
    finishedAt: String = "2025-11-25T16:00:01+08:00", failCode: String = "", failMsg: String = ""
) -> JiangnanJSON.Value {
    JiangnanTradeData(
        out_trade_no: id, trade_no: tradeNo, status: status, amount: amount,
        finished_at: status == "PROCESSING" ? "" : finishedAt, fail_code: failCode, fail_msg: failMsg
    ).jsonValue
}

/// The `data` of a refund answer.
func refundData(_ id: String, payment: String, amount: Int64, status: String = "SUCCESS") -> JiangnanJSON.Value {
    JiangnanRefundData(
        out_refund_no: id, out_trade_no: payment, refund_no: "JN000000000000000002", status: status,
        refund_amount: amount, finished_at: status == "PROCESSING" ? "" : "2025-11-25T16:00:05+08:00"
    ).jsonValue
}

/// A temporary file path, removed by the caller.
func temporaryFile(_ name: String = "statement.csv") -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("jn-test-\(UUID().uuidString)-\(name)")
}
