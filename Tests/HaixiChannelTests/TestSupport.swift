import ChannelKit
import Foundation
import HaixiProtocol
import Synchronization

@testable import Haixi

/// Demo values and the test's own key pairs (no private key is distributed with the document).
enum Demo {
    static let merchantId = "HX310000001"
    static let notifyURL = URL(string: "http://127.0.0.1:8080/v1/notify/haixi")!
    static let cny = Currency(code: "CNY")!
    /// The document's vector's TxTime, 2026-11-25 10:00:00 UTC+8.
    static let vectorTime = HaixiTime.parse("20261125100000")!

    /// The merchant's key pair, generated for the tests.
    static let merchant = try! HaixiSigner.generate()
    /// The bank's key pair, generated for the tests.
    static let bank = try! HaixiSigner.generate()
    /// A key pair that is neither: forgeries.
    static let stranger = try! HaixiSigner.generate()

    /// keys/haixi-merchant-demo.pub of the bank documents (a public demo key, carried here: the tests must not
    /// read files outside the repository, which a fresh clone does not have).
    static let merchantDemoPublicKey = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtSeLOR1ZWLoyRchamIpT
        Fu26Tog2t22q/PmRJJow5QlQivD2Xbsioj522/LU+MF7XzOGwcCPS563mueXK1rp
        ui9qLmSaNeEDIYXtY5bCVm1cAUuNudLM3o46GWjsnuTLAsciewJnEHIjDlk6MJgN
        6Okx9fX8hZRoMpYDbJUCJaePH2R1So/VTMp564O9iznEA9nkpJP5zOINOuzMFGg2
        E7jWAHw/BSnbbjW8AJMAiZobObjGPNmHLd+wDyFpfG63SL9z9H5vglpZZbVXGLyT
        eWecWSAzEZemZFy66jilcF2f3l1XsXvlTwmZ8qTsoybWgynItmqQtpER5QHxvBiR
        JwIDAQAB
        -----END PUBLIC KEY-----
        """

    static func money(_ fen: Int64) -> Money { Money(minorUnits: fen, currency: cny) }

    static func configuration(
        endpoint: String = "http://127.0.0.1:9200", settings: [String: String] = ["mer_id": merchantId],
        credentials: [String: Credential]? = nil, currencies: [Currency] = [cny]
    ) -> ChannelConfiguration {
        ChannelConfiguration(
            channelId: "haixi", pluginId: "haixi", endpoint: URL(string: endpoint)!, settings: settings,
            credentials: credentials ?? [
                "private_key": Credential(current: Secret(merchant.privateKeyPEM)),
                "bank_public_key": Credential(current: Secret(bank.publicKeyPEM)),
            ],
            currencies: currencies.map { CurrencyBound($0, maximumMinorUnits: 5_000_000) })
    }
}

/// A clock stuck at one instant.
struct FixedClock: ChannelClock {
    let instant: Date
    func now() -> Date { instant }
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

/// A message as the fake bank received it.
struct BankRequest: Sendable {
    let url: URL
    let headers: [HTTPHeaderField]
    let body: Data
    /// The bytes `<Head>` … `</Body>` as received.
    let signedBytes: [UInt8]
    /// Whether the signature verified with the merchant's public key.
    let signatureValid: Bool
    let head: [String: String]
    let fields: [String: String]

    var txCode: String { head["TxCode"] ?? "" }
    var serialNo: String { head["SerialNo"] ?? "" }
}

/// An answer of the fake bank: RespCode, RespMsg and Body, with Head values that may be changed and the key
/// that signs it.
struct BankAnswer: Sendable {
    var code: String
    var message: String = ""
    var body: [(name: String, value: String)] = []
    /// Replaces echoed Head values (`SerialNo`, `TxCode`, `MerId`).
    var headOverrides: [String: String] = [:]
    var signer: HaixiSigner = Demo.bank
}

/// What the fake bank does with a message.
enum BankAction: Sendable {
    case answer(BankAnswer)
    /// A raw HTTP response, unchanged.
    case raw(HTTPResponseMessage)
    /// A transport failure.
    case fail(TransportError)
}

/// An in-test HTTPTransport that plays the bank: it reads each message, verifies its signature with the
/// merchant's public key (refusing a bad one with a signed 300001), and answers as the test's handler says,
/// echoing the Head and signing with the bank's key.
final class FakeBank: HTTPTransport {
    let clock: FixedClock
    private let handler: @Sendable (BankRequest) -> BankAction
    private let state = Mutex<[BankRequest]>([])
    private let merchantKey: HaixiVerifier

    init(clock: FixedClock = FixedClock(instant: Demo.vectorTime), _ handler: @escaping @Sendable (BankRequest) -> BankAction) {
        self.clock = clock
        self.handler = handler
        self.merchantKey = try! HaixiVerifier(publicKeyPEM: Demo.merchant.publicKeyPEM)
    }

    var requests: [BankRequest] { state.withLock { $0 } }

    func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        let seen = try record(request)
        let action = seen.signatureValid ? handler(seen) : .answer(BankAnswer(code: HaixiCode.signatureFailed))
        switch action {
        case .answer(let answer): return Self.response(answer, to: seen, at: clock.instant)
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

    private func record(_ request: HTTPRequestMessage) throws -> BankRequest {
        let bytes = Array(request.body)
        guard case .success(let envelope) = HaixiEnvelope.parse(bytes) else {
            throw TransportError(.invalidResponse, "the fake bank cannot read the message")
        }
        var head: [String: String] = [:]
        for element in envelope.head { head[element.name] = envelope.head(element.name, in: bytes) }
        var fields: [String: String] = [:]
        for element in envelope.body { fields[element.name] = envelope.body(element.name, in: bytes) }
        let signed = Array(bytes[envelope.signedRange])
        let seen = BankRequest(
            url: request.url, headers: request.headers, body: request.body, signedBytes: signed,
            signatureValid: merchantKey.isValid(signature: envelope.signature, over: signed), head: head, fields: fields)
        state.withLock { $0.append(seen) }
        return seen
    }

    /// The signed answer to `request`.
    static func response(_ answer: BankAnswer, to request: BankRequest, at instant: Date) -> HTTPResponseMessage {
        let head: [(name: String, value: String)] = [
            ("TxCode", answer.headOverrides["TxCode"] ?? request.txCode),
            ("MerId", answer.headOverrides["MerId"] ?? request.head["MerId"] ?? ""),
            ("TxTime", HaixiTime.format(instant)),
            ("SerialNo", answer.headOverrides["SerialNo"] ?? request.serialNo),
            ("RespCode", answer.code), ("RespMsg", answer.message),
        ]
        let bytes = try! HaixiMessage(head: head, body: answer.body).encoded(signedBy: answer.signer)
        return HTTPResponseMessage(
            status: 200, headers: [HTTPHeaderField("Content-Type", "text/xml; charset=UTF-8")], body: Data(bytes))
    }
}

/// A pay or query answer's Body.
func resultBody(
    status: String = HaixiStatus.success, amount: Int64, type: String? = nil, bankSerialNo: String = "HX00000000000000000001",
    finishTime: String = "20261125100005"
) -> [(name: String, value: String)] {
    var body: [(name: String, value: String)] = []
    if let type { body.append(("TxType", type)) }
    body.append(("BankSerialNo", bankSerialNo))
    body.append(("TxStatus", status))
    body.append(("Amount", String(amount)))
    if status != HaixiStatus.processing { body.append(("FinishTime", finishTime)) }
    return body
}

/// Builds a channel on a fake bank.
func makeChannel(
    bank: FakeBank, logger: RecordingLogger = RecordingLogger(), configuration: ChannelConfiguration = Demo.configuration()
) throws -> HaixiChannel {
    try HaixiChannel(
        context: ChannelContext(
            configuration: configuration, transport: bank, logger: logger, clock: bank.clock, notifyURL: Demo.notifyURL))
}

/// A temporary file path in a fresh folder, removed by the caller (with the folder).
func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hx-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}
