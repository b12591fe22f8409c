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
    /// Fixed-width ASCII, `\r\n` lines, the totals in the header line (haixi.md).
    case haixi

    var generator: any StatementGenerator {
        switch self {
        case .jiangnan: JiangnanStatementGenerator()
        case .minbei: MinbeiStatementGenerator()
        case .haixi: HaixiStatementGenerator()
        }
    }

    /// The bank's real channel, configured as the generator's merchant; it never calls the bank.
    func channel() async throws -> any PaymentChannel {
        let cny = Currency(code: "CNY")!
        let secret = Credential(current: Secret("statement-bench-not-a-secret"))
        let (plugin, settings, credentials): (any ChannelPlugin, [String: String], [String: Credential]) =
            switch self {
            case .jiangnan: (JiangnanPlugin(), ["merchant_no": StatementMerchant.id], ["secret": secret])
            case .minbei: (MinbeiPlugin(), ["mer_id": StatementMerchant.id], ["key": secret])
            case .haixi:
                // RSA keys are never published: a throwaway pair; parsing signs and verifies nothing.
                (
                    HaixiPlugin(), ["mer_id": StatementMerchant.id],
                    try { () throws -> [String: Credential] in
                        let key = try HaixiSigner.generate()
                        return [
                            "private_key": Credential(current: Secret(key.privateKeyPEM)),
                            "bank_public_key": Credential(current: Secret(key.publicKeyPEM)),
                        ]
                    }()
                )
            }
        let configuration = ChannelConfiguration(
            channelId: rawValue, pluginId: rawValue, endpoint: URL(string: "http://127.0.0.1:9")!, settings: settings,
            credentials: credentials,
            currencies: [CurrencyBound(cny, maximumMinorUnits: 9_999_999_999)])
        return try await plugin.makeChannel(
            context: ChannelContext(
                configuration: configuration, transport: NoTransport(), logger: QuietLogger(), clock: SystemClock(),
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
