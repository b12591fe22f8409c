import ChannelKit
import ChannelKitTesting
import Foundation
import Testing

/// The conformance suite catches the classic adapter bugs: the correct fixture channel
/// (Tests/Fixtures/ConformancePlugins, libFixtureBank.so) passes every rule against the scripted fixture bank,
/// and each broken fixture fails exactly its own rule, with a message that names it.
@Suite("Conformance: the fixture plugins")
struct ConformanceFixtureTests {
    static let broken: [(file: String, rule: ConformanceRule)] = [
        ("libFixtureTimeoutDeclined.so", .timeoutIsPending),
        ("libFixtureBusyDeclined.so", .busyIsPending),
        ("libFixtureWrongRefundTotals.so", .refundsAddUp),
        ("libFixtureDropsStatementLine.so", .statementLinesAccounted),
        ("libFixtureUnverifiedNotification.so", .notificationVerified),
        ("libFixtureLogsSecret.so", .noCredentialLeak),
        ("libFixtureRewritesId.so", .transactionIdUnchanged),
    ]

    func suite(_ file: String) throws -> ConformanceSuite {
        let plugin = try ConformancePluginLoader.load(try BuildProducts.fixture(file))
        return ConformanceSuite(plugin: plugin, bank: FixtureScriptedBank(pluginId: plugin.manifest.id))
    }

    @Test("the correct fixture channel passes every rule, none skipped")
    func correctFixturePasses() async throws {
        let report = try await suite("libFixtureBank.so").runAll()
        #expect(report.failures.isEmpty, "\(report)")
        #expect(report.skipped.isEmpty, "\(report)")
        #expect(report.passed == ConformanceRule.allCases, "\(report)")
    }

    @Test("each broken fixture fails exactly its rule, named in the message", arguments: broken.map(\.file))
    func brokenFixtureFailsItsRule(_ file: String) async throws {
        let rule = try #require(Self.broken.first { $0.file == file }?.rule)
        let report = try await suite(file).runAll()
        #expect(report.failures.map(\.rule) == [rule], "\(report)")
        #expect(report.skipped.isEmpty, "\(report)")
        let failure = try #require(report.failures.first)
        #expect("\(failure)".hasPrefix("\(rule.rawValue): "), "\(failure)")
        #expect("\(report)".contains("FAIL \(rule.rawValue): "), "\(report)")
    }

    @Test("a rule checked alone: check(_:) throws the failure naming it for the broken fixture, returns for the correct one")
    func singleCheck() async throws {
        let broken = try suite("libFixtureTimeoutDeclined.so")
        defer { broken.shutdown() }
        do {
            try await broken.check(.timeoutIsPending)
            Issue.record("check(.timeoutIsPending) passed for the fixture that maps a timeout to declined")
        } catch let failure as ConformanceFailure {
            #expect(failure.rule == .timeoutIsPending)
            #expect(failure.description.hasPrefix("timeout-is-pending: "), "\(failure)")
            #expect(failure.description.contains("declined"), "\(failure)")
        }
        let correct = try suite("libFixtureBank.so")
        defer { correct.shutdown() }
        try await correct.check(.timeoutIsPending)
        try await broken.check(.busyIsPending)
    }
}
