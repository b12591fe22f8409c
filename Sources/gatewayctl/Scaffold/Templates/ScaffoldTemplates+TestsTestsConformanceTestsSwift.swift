extension ScaffoldTemplates {
    /// `Tests/{{Module}}Tests/{{Module}}ConformanceTests.swift` of a generated package.
    static let testsTestsConformanceTestsSwift = ScaffoldFile(
        "Tests/{{Module}}Tests/{{Module}}ConformanceTests.swift",
        #"""
import {{Module}}
import {{Module}}Simulator
import ChannelKit
import ChannelKitTesting
import Foundation
import Testing

/// The plugin against ChannelKit's conformance suite, driving the example bank's simulator in process: each
/// rule of the contract on its own (a failure names the rule it broke), then all of them in one report.
///
/// PARTNER: point `{{Module}}Driver` at your bank's simulator or test environment, and map the behaviours the
/// suite asks for to its scenarios; a behaviour it cannot show throws `ConformanceUnsupported`.
@Suite("{{Display}} conformance")
struct {{Module}}ConformanceTests {
    @Test("each rule of the ChannelKit contract", arguments: ConformanceRule.allCases)
    func rule(_ rule: ConformanceRule) async throws {
        let simulator = try {{Module}}Simulator(merchants: [{{Module}}Driver.merchantNo: {{Module}}Driver.key])
        defer { simulator.stop() }
        let suite = ConformanceSuite(plugin: {{Module}}Plugin(), bank: {{Module}}Driver(simulator: simulator))
        defer { suite.shutdown() }
        let result = await suite.run(rule)
        #expect(result == .passed, "\(rule.rawValue): \(result)")
    }
}

/// How the suite drives the example bank: the simulator over loopback HTTP, scenarios by subject tags.
struct {{Module}}Driver: ConformanceBank {
    static let merchantNo = "{{MerchantNo}}"
    /// A test key, never a real one.
    static let key = "{{id}}-test-key-0001"

    let simulator: {{Module}}Simulator

    var transport: any HTTPTransport { URLSessionTransport(requestTimeout: .seconds(5)) }

    func configuration() async throws -> ChannelConfiguration {
        ChannelConfiguration(
            channelId: "{{id}}", pluginId: "{{id}}", endpoint: simulator.url,
            settings: ["merchant_no": Self.merchantNo], credentials: ["secret": Credential(current: Secret(Self.key))],
            timeouts: ChannelTimeouts(connect: .seconds(2), request: .seconds(5), download: .seconds(10)),
            currencies: {{Module}}Plugin().manifest.currencies)
    }

    func arrange(_ behaviour: BankBehaviour, for request: PayRequest) async throws -> PayRequest {
        var request = request
        switch behaviour {
        case .approve: break
        case .decline: request.subject += " [sim:decline]"
        case .busy: request.subject += " [sim:busy]"
        case .processing: request.subject += " [sim:processing]"
        case .mismatchingAmount: request.subject += " [sim:wrong-amount]"
        case .notProcessed: request.subject += " [sim:maintenance]"
        }
        return request
    }

    /// The bank's document says 2001 (maintenance) leaves a request unprocessed.
    var retrySafeCodes: Set<String> { ["2001"] }

    /// Today's statement (UTC) holds every payment finished so far today.
    func prepareStatement(containing payments: [PayRequest]) async throws -> BusinessDate {
        try #require(BusinessDate(containing: Date(), in: "UTC"))
    }
}
"""#)
}
