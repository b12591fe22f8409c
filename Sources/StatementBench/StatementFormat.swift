import ArgumentParser
import ChannelKit
import Foundation
import Haixi
import HaixiProtocol
import Jiangnan
import Minbei

/// The banks whose statements the tool writes and parses.
enum StatementFormat: String, CaseIterable, ExpressibleByArgument {
    /// UTF-8 CSV with a `#TOTAL` trailer (jiangnan.md).
    case jiangnan
    /// gzip of GBK `|` lines, the totals in the header line (minbei.md).
    case minbei
    /// Fixed-width ASCII lines, the totals in the `H` header (haixi.md); downloaded as base64 inside the signed
    /// 1004 answer.
    case haixi

    var generator: any StatementGenerator {
        switch self {
        case .jiangnan: JiangnanStatementGenerator()
        case .minbei: MinbeiStatementGenerator()
        case .haixi: HaixiStatementGenerator()
        }
    }

    /// The bank's real channel, configured as the generator's merchant, on `transport` (by default one that sends
    /// nothing). Haixi's keys: a merchant key pair made here, the bank's public key from `bank`.
    func channel(transport: any HTTPTransport = NoTransport(), bank: HaixiSigner? = nil) async throws -> any PaymentChannel {
        let cny = Currency(code: "CNY")!
        let plugin: any ChannelPlugin
        let settings: [String: String]
        var credentials: [String: Credential]
        switch self {
        case .jiangnan:
            (plugin, settings) = (JiangnanPlugin(), ["merchant_no": StatementMerchant.id])
            credentials = ["secret": Credential(current: Secret("statement-bench-not-a-secret"))]
        case .minbei:
            (plugin, settings) = (MinbeiPlugin(), ["mer_id": StatementMerchant.id])
            credentials = ["key": Credential(current: Secret("statement-bench-not-a-secret"))]
        case .haixi:
            (plugin, settings) = (HaixiPlugin(), ["mer_id": HaixiStatementGenerator.merchantId])
            let bank = try bank ?? HaixiSigner.generate()
            credentials = [
                "private_key": Credential(current: Secret(try HaixiSigner.generate().privateKeyPEM)),
                "bank_public_key": Credential(current: Secret(bank.publicKeyPEM)),
            ]
        }
        let configuration = ChannelConfiguration(
            channelId: rawValue, pluginId: rawValue, endpoint: URL(string: "http://127.0.0.1:9")!, settings: settings,
            credentials: credentials, timeouts: ChannelTimeouts(download: .seconds(3600)),
            currencies: [CurrencyBound(cny, maximumMinorUnits: 9_999_999_999)])
        return try await plugin.makeChannel(
            context: ChannelContext(
                configuration: configuration, transport: transport, logger: QuietLogger(), clock: SystemClock(),
                notifyURL: URL(string: "http://127.0.0.1:9/v1/notify/\(rawValue)")!))
    }
}

/// The merchant of generated statements.
enum StatementMerchant {
    static let id = "MB0001"
}

/// A transport for a channel that only parses.
struct NoTransport: HTTPTransport {
    func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        throw TransportError(.notSent, "statement-bench sends nothing")
    }

    func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage {
        throw TransportError(.notSent, "statement-bench sends nothing")
    }
}

struct QuietLogger: ChannelLogger {
    func log(_ level: ChannelLogLevel, _ message: String, metadata: [String: String]) {}
}

struct SystemClock: ChannelClock {
    func now() -> Date { Date() }
}
