import ChannelKit
import Foundation
import MinbeiProtocol
import Synchronization

@testable import Minbei

/// The demo values of the interface document.
enum Demo {
    static let key = "mb-demo-key-0001"
    static let merchantId = "MB0001"
    static let notifyURL = URL(string: "http://127.0.0.1:8080/v1/notify/minbei")!
    static let cny = Currency(code: "CNY")!

    static func money(_ fen: Int64) -> Money { Money(minorUnits: fen, currency: cny) }

    static func configuration(
        settings: [String: String] = ["mer_id": merchantId],
        credentials: [String: Credential] = ["key": Credential(current: Secret(key))], currencies: [Currency] = [cny],
        endpoint: String = "http://127.0.0.1:9200"
    ) -> ChannelConfiguration {
        ChannelConfiguration(
            channelId: "minbei", pluginId: "minbei", endpoint: URL(string: endpoint)!, settings: settings,
            credentials: credentials, currencies: currencies.map { CurrencyBound($0, maximumMinorUnits: 9_999_999_999) })
    }
}

/// A clock stuck at one instant.
struct FixedClock: ChannelClock {
    func now() -> Date { Date(timeIntervalSince1970: 1_764_036_000) }
}

/// Collects log lines.
final class RecordingLogger: ChannelLogger {
    private let entries = Mutex<[String]>([])
    func log(_ level: ChannelLogLevel, _ message: String, metadata: [String: String]) {
        entries.withLock { $0.append("\(level) \(message) \(metadata.sorted { $0.key < $1.key })") }
    }
    var text: String { entries.withLock { $0.joined(separator: "\n") } }
}

/// What the scripted bank does with a verified request.
enum BankAction: Sendable {
    /// A form answer signed with the demo key: `resp_code` and the fields.
    case answer(String, [(name: String, value: String)])
    /// A form answer as given (no signing).
    case unsigned([(name: String, value: String)])
    /// A raw HTTP response.
    case raw(HTTPResponseMessage)
    /// A transport failure.
    case fail(TransportError)
}

/// An in-test HTTPTransport playing the bank: it decodes each request's GBK form, checks its MD5 with the demo
/// key (answering a signed A0 to a bad one) and answers as the test's handler says.
final class ScriptedBank: HTTPTransport {
    private let handler: @Sendable (MinbeiForm) -> BankAction
    private let seen = Mutex<[(form: MinbeiForm, valid: Bool, body: Data, contentType: String?)]>([])

    init(_ handler: @escaping @Sendable (MinbeiForm) -> BankAction) {
        self.handler = handler
    }

    /// The requests so far: form, whether its sign verified, raw body, Content-Type.
    var requests: [(form: MinbeiForm, valid: Bool, body: Data, contentType: String?)] { seen.withLock { $0 } }

    func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        let form = MinbeiForm.decode(request.body) ?? MinbeiForm([])
        let valid = MinbeiSigner(key: Demo.key).verify(form)
        seen.withLock { $0.append((form, valid, request.body, request.headers.value(for: "Content-Type"))) }
        let action = valid ? handler(form) : .answer("A0", [])
        switch action {
        case .answer(let code, let fields):
            return Self.form(MinbeiSigner(key: Demo.key).signed(MinbeiForm([("resp_code", code), ("resp_msg", "")] + fields))!)
        case .unsigned(let fields):
            return Self.form(MinbeiForm(fields))
        case .raw(let response):
            return response
        case .fail(let error):
            throw error
        }
    }

    func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage {
        var response = try await execute(request)
        try response.body.write(to: file)
        response.body = Data()
        return response
    }

    static func form(_ form: MinbeiForm) -> HTTPResponseMessage {
        HTTPResponseMessage(
            status: 200, headers: [HTTPHeaderField("Content-Type", "application/x-www-form-urlencoded; charset=GBK")],
            body: Data(form.encoded()!))
    }
}

/// A channel on a scripted bank.
func makeChannel(_ bank: ScriptedBank, logger: RecordingLogger = RecordingLogger()) throws -> MinbeiChannel {
    try MinbeiChannel(
        context: ChannelContext(
            configuration: Demo.configuration(), transport: bank, logger: logger, clock: FixedClock(),
            notifyURL: Demo.notifyURL))
}

/// A temporary file path, removed by the caller.
func temporaryFile(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("mb-test-\(UUID().uuidString)-\(name)")
}
