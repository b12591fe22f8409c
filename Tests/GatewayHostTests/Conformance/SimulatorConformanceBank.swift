import ChannelKit
import ChannelKitTesting
import Foundation

/// One of the shipped banks' simulators (jiangnan-sim, minbei-sim, haixi-sim) as a ConformanceBank: a real
/// process on loopback reached through ChannelKitTesting's URLSessionTransport; behaviours are the simulators'
/// `[sim:…]` subject tags (docs/SIMULATOR.md); notifications are delivered by the simulator over HTTP to the
/// suite's notifyURL; the statement of the day is published by moving the simulator's clock, and the channel's
/// with it, past 01:00 (UTC+8) of the next day.
final class SimulatorConformanceBank: ConformanceBank, @unchecked Sendable {
    let pluginId: String
    let endpoint: URL
    let settings: [String: String]
    let credentials: [String: Credential]
    let retrySafeCodes: Set<String>
    let transport: any HTTPTransport = URLSessionTransport(requestTimeout: .seconds(5))
    private let adjustable = AdjustableChannelClock()

    init(pluginId: String, endpoint: URL, settings: [String: String], credentials: [String: Credential], retrySafeCodes: Set<String>) {
        self.pluginId = pluginId
        self.endpoint = endpoint
        self.settings = settings
        self.credentials = credentials
        self.retrySafeCodes = retrySafeCodes
    }

    var clock: any ChannelClock { adjustable }

    var notificationTimeout: Duration { .seconds(20) }

    func configuration() async throws -> ChannelConfiguration {
        ChannelConfiguration(
            channelId: pluginId, pluginId: pluginId, endpoint: endpoint, settings: settings, credentials: credentials,
            timeouts: ChannelTimeouts(connect: .seconds(1), request: .seconds(5), download: .seconds(10)),
            currencies: [CurrencyBound(Currency(code: "CNY")!, minimumMinorUnits: 1, maximumMinorUnits: 5_000_000)])
    }

    func arrange(_ behaviour: BankBehaviour, for request: PayRequest) async throws -> PayRequest {
        var request = request
        switch behaviour {
        case .approve: break
        case .decline: request.subject += " [sim:insufficient-funds]"
        case .busy: request.subject += " [sim:busy]"
        case .processing: request.subject += " [sim:processing]"
        case .notProcessed: request.subject += " [sim:not-supported]"
        case .mismatchingAmount: throw ConformanceUnsupported("the simulators have no answer with another amount")
        }
        return request
    }

    func prepareStatement(containing payments: [PayRequest]) async throws -> BusinessDate {
        let zone = "Asia/Shanghai"
        guard let date = BusinessDate(containing: adjustable.now(), in: zone), let start = date.start(in: zone) else {
            throw ConformanceUnsupported("cannot compute the bank's business date")
        }
        // 02:00 of the next day in the bank's time zone: the file is published at 01:00.
        let target = start.addingTimeInterval(26 * 3600)
        let offset = target.timeIntervalSinceNow
        let body = Data(#"{"offset_ms":\#(Int64(offset * 1000))}"#.utf8)
        let answer = try await transport.execute(
            HTTPRequestMessage(
                method: "POST", url: endpoint.appendingPathComponent("_sim/clock"),
                headers: [HTTPHeaderField("Content-Type", "application/json")], body: body))
        guard answer.status == 200 else { throw ConformanceUnsupported("the simulator refused the clock move: HTTP \(answer.status)") }
        adjustable.offset = offset
        return date
    }
}
