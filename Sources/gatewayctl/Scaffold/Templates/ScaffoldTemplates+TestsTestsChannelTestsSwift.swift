extension ScaffoldTemplates {
    /// `Tests/{{Module}}Tests/{{Module}}ChannelTests.swift` of a generated package.
    static let testsTestsChannelTestsSwift = ScaffoldFile(
        "Tests/{{Module}}Tests/{{Module}}ChannelTests.swift",
        #"""
import {{Module}}
import {{Module}}Simulator
import ChannelKit
import ChannelKitTesting
import Foundation
import Testing

/// The channel against the simulator, call by call: what a payment's life looks like from the plugin's side.
@Suite("{{Display}} channel against the simulator")
struct {{Module}}ChannelTests {
    static let cny = Currency(code: "CNY")!

    /// A channel of the plugin on `simulator`, logging to `logger`.
    static func channel(_ simulator: {{Module}}Simulator, logger: CapturingChannelLogger) async throws -> any PaymentChannel {
        let context = ChannelContext(
            configuration: try await {{Module}}Driver(simulator: simulator).configuration(),
            transport: URLSessionTransport(requestTimeout: .seconds(5)), logger: logger, clock: SystemChannelClock(),
            notifyURL: URL(string: "http://127.0.0.1:9/notify")!)
        return try await {{Module}}Plugin().makeChannel(context: context)
    }

    @Test("pay, query, refund, over-refund and the day's statement")
    func paymentLife() async throws {
        let simulator = try {{Module}}Simulator(merchants: [{{Module}}Driver.merchantNo: {{Module}}Driver.key])
        defer { simulator.stop() }
        let logger = CapturingChannelLogger()
        let channel = try await Self.channel(simulator, logger: logger)
        let amount = Money(minorUnits: 12_345, currency: Self.cny)
        let id = "pay_" + UUID().uuidString.prefix(12).lowercased()

        let paid = try await channel.pay(PayRequest(transactionId: id, amount: amount, subject: "Tea"))
        #expect(paid.status == .succeeded && paid.amount == amount && paid.bankTransactionId != nil, "\(paid)")
        let again = try await channel.pay(PayRequest(transactionId: id, amount: amount, subject: "Tea"))
        #expect(again.bankTransactionId == paid.bankTransactionId, "a retry with the same id is the same payment")
        let queried = try await channel.query(QueryRequest(transactionId: id, kind: .payment, expectedAmount: amount))
        #expect(queried.outcome?.status == .succeeded, "\(queried)")
        let unknown = try await channel.query(QueryRequest(transactionId: "pay_unknown", kind: .payment, expectedAmount: amount))
        #expect(unknown.isNotFound)

        let part = Money(minorUnits: 10_000, currency: Self.cny)
        let refund = try await channel.refund(RefundRequest(
            transactionId: id + "_r1", paymentTransactionId: id, amount: part, paymentAmount: amount, reason: "test"))
        #expect(refund.status == .succeeded, "\(refund)")
        let over = try await channel.refund(RefundRequest(
            transactionId: id + "_r2", paymentTransactionId: id, amount: part, paymentAmount: amount, reason: "test"))
        #expect(over.status == .declined, "a refund beyond the payment: \(over)")

        let today = try #require(BusinessDate(containing: Date(), in: "UTC"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("{{id}}-statement-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        let statement = try await channel.downloadStatement(StatementRequest(businessDate: today, destination: file))
        var records: [StatementRecord] = []
        var issues: [StatementIssue] = []
        var trailer: StatementTrailer?
        for try await batch in channel.parseStatement(statement, batchSize: 2) {
            records += batch.records
            issues += batch.issues
            trailer = batch.trailer ?? trailer
        }
        #expect(issues.isEmpty, "\(issues)")
        #expect(records.map(\.transactionId) == [id, id + "_r1"], "\(records)")
        #expect(trailer?.recordCount == 2)
        #expect(!logger.entries.contains { "\($0)".contains({{Module}}Driver.key) }, "the key was logged")
    }

    @Test("an HTTP 500, a broken signature and another amount are pending, never declined")
    func ambiguousIsPending() async throws {
        let simulator = try {{Module}}Simulator(merchants: [{{Module}}Driver.merchantNo: {{Module}}Driver.key])
        defer { simulator.stop() }
        let channel = try await Self.channel(simulator, logger: CapturingChannelLogger())
        for tag in ["[sim:5xx]", "[sim:badsig]", "[sim:wrong-amount]", "[sim:busy]", "[sim:processing]"] {
            let outcome = try await channel.pay(PayRequest(
                transactionId: "pay_" + UUID().uuidString.prefix(12).lowercased(),
                amount: Money(minorUnits: 500, currency: Self.cny), subject: "Tea \(tag)"))
            #expect(outcome.status == .pending, "\(tag): \(outcome)")
        }
        let declined = try await channel.pay(PayRequest(
            transactionId: "pay_" + UUID().uuidString.prefix(12).lowercased(),
            amount: Money(minorUnits: 500, currency: Self.cny), subject: "Tea [sim:decline]"))
        #expect(declined.status == .declined && !declined.notProcessed, "\(declined)")
        let maintenance = try await channel.pay(PayRequest(
            transactionId: "pay_" + UUID().uuidString.prefix(12).lowercased(),
            amount: Money(minorUnits: 500, currency: Self.cny), subject: "Tea [sim:maintenance]"))
        #expect(maintenance.mayTryAnotherChannel, "\(maintenance)")
    }
}
"""#)
}
