import ChannelKit
import ChannelKitTesting
import Foundation
import Testing

/// The three shipped channels pass ChannelKitTesting's whole conformance suite: each real plugin .so, loaded as
/// the gateway loads it, against its real simulator process on loopback, with the suite injecting transport
/// faults (timeouts and lost connections after the bank processed, 5xx, corrupted and truncated answers,
/// resets before sending) the same way for every bank.
@Suite("Conformance: the shipped channels against their simulators", .serialized)
struct ShippedChannelConformanceTests {
    /// The rules every shipped channel must be checked on (none of them may be skipped).
    static let mustCheck = ConformanceRule.allCases

    static let simulatorArguments = ["--notify-delays", "0.3,0.3,0.3,0.3,0.3,0.3", "--processing-delay-ms", "500"]

    func runSuite(
        _ setup: BankSetup, plugin file: String, settings: [String: String], credentials: [String: Credential],
        retrySafeCodes: Set<String>
    ) async throws -> ConformanceReport {
        // The statement check pays and then fetches the day of its payments: not across the bank's midnight.
        try await EndToEndLoadTests.ReconSimulatorTests.awayFromMidnightInShanghai()
        let directory = try TestDirectory("conformance-\(setup.channelId)")
        let (process, url) = try await BankStack.startSimulator(setup, in: directory, arguments: Self.simulatorArguments)
        let plugin = try ConformancePluginLoader.load(try BuildProducts.product(file))
        let bank = SimulatorConformanceBank(
            pluginId: plugin.manifest.id, endpoint: url, settings: settings, credentials: credentials, retrySafeCodes: retrySafeCodes)
        let suite = ConformanceSuite(plugin: plugin, bank: bank)
        let report = await suite.runAll()
        await process.terminate()
        return report
    }

    func expectConforms(_ report: ConformanceReport) {
        #expect(report.failures.isEmpty, "\(report)")
        #expect(report.skipped.isEmpty, "\(report)")
        #expect(report.passed == Self.mustCheck, "\(report)")
    }

    @Test("Jiangnan (libJiangnan.so against jiangnan-sim) passes every rule")
    func jiangnan() async throws {
        let report = try await runSuite(
            ThreeBankRoutingTests.jiangnan, plugin: "libJiangnan.so",
            settings: ["merchant_no": SimulatorProcess.merchantNumber],
            credentials: ["secret": Credential(current: Secret(SimulatorProcess.secret))],
            retrySafeCodes: ["2005", "3001", "3002", "4001"])
        expectConforms(report)
    }

    @Test("Minbei (libMinbei.so against minbei-sim) passes every rule")
    func minbei() async throws {
        let report = try await runSuite(
            MinbeiStack.setup, plugin: "libMinbei.so", settings: ["mer_id": MinbeiStack.merchantId],
            credentials: ["key": Credential(current: Secret(MinbeiStack.key))], retrySafeCodes: ["61", "A0"])
        expectConforms(report)
    }

    @Test("Haixi (libHaixi.so against haixi-sim) passes every rule")
    func haixi() async throws {
        let keys = HaixiStack.keys
        let privateKey = try String(contentsOf: keys.appendingPathComponent("merchant.pem"), encoding: .utf8)
        let bankKey = try String(contentsOf: keys.appendingPathComponent("bank.pub"), encoding: .utf8)
        let report = try await runSuite(
            HaixiStack.setup, plugin: "libHaixi.so", settings: ["mer_id": HaixiStack.merchantId],
            credentials: ["private_key": Credential(current: Secret(privateKey)), "bank_public_key": Credential(current: Secret(bankKey))],
            retrySafeCodes: ["300001", "300002"])
        expectConforms(report)
    }
}
