import ChannelKit
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Jiangnan

/// The channel plugin (`JiangnanChannel`, through a gateway-like transport) against the real `jiangnan-sim`
/// process with each fault: the channel's outcome, the bank's record, and what a later query finds.
@Suite("Jiangnan channel against simulator faults")
struct ChannelFaultTests {
    /// One fault mode and what must come of it.
    struct Case: Sendable, CustomTestStringConvertible {
        let tag: String
        /// Whether the bank records the transaction.
        let recorded: Bool
        /// The outcome's bank code (the bank's result code); `nil` when no answer carried one.
        let bankCode: String?
        /// The typed reason it is pending (ChannelKit 2.0).
        let cause: PendingCause
        var testDescription: String { tag }
        /// The fault's name, as the record shows it.
        var name: String { String(tag.dropFirst("[sim:".count).dropLast()) }
    }

    /// Every fault of a pay request except the notification ones (tested with the simulator). The answer never
    /// proves a decline: every one is pending, even 5xx-before, where the client cannot know nothing was charged.
    static let payCases: [Case] = [
        Case(tag: "[sim:timeout]", recorded: true, bankCode: nil, cause: .timeout),
        Case(tag: "[sim:5xx]", recorded: true, bankCode: nil, cause: .serverError),
        Case(tag: "[sim:5xx-before]", recorded: false, bankCode: nil, cause: .serverError),
        Case(tag: "[sim:reset]", recorded: true, bankCode: nil, cause: .connectionLost),
        Case(tag: "[sim:malformed]", recorded: true, bankCode: nil, cause: .unverifiable),
        Case(tag: "[sim:bad-signature]", recorded: true, bankCode: nil, cause: .unverifiable),
        // The interface document: 9998 system busy → pending.
        Case(tag: "[sim:busy]", recorded: false, bankCode: "9998", cause: .busy),
        Case(tag: "[sim:processing]", recorded: true, bankCode: "1001", cause: .processing),
    ]

    /// The faults that apply to a refund request (its `reason`).
    static let refundCases: [Case] = payCases.filter { $0.tag != "[sim:processing]" }

    @Test(
        "a pay request hit by a fault is pending, never declined; the bank's record and a query agree",
        arguments: payCases)
    func payFault(_ fault: Case) async throws {
        let sim = try await FaultSimulator.launch(["--timeout-delay-ms", "20000", "--processing-delay-ms", "300"])
        defer { sim.stop() }
        let channel = try sim.channel(requestTimeout: .milliseconds(1000))
        let id = "pay_fault_" + UUID().uuidString.prefix(8)

        let outcome = try await channel.pay(
            PayRequest(transactionId: id, amount: Demo.money(1234), subject: "tea \(fault.tag)"))
        #expect(outcome.status == .pending, "\(outcome)")
        #expect(!outcome.notProcessed)
        #expect(outcome.bankCode == fault.bankCode, "\(outcome)")
        #expect(outcome.pendingCause == fault.cause, "\(outcome)")

        let record = try await sim.record()
        #expect((record.payment(id) != nil) == fault.recorded, "\(record.payments.map(\.out_trade_no))")
        #expect(record.requests.first { $0.out_trade_no == id }?.fault == fault.name)

        // The gateway resolves a pending payment by querying: charged → succeeded, never charged → not found.
        if fault.name == "processing" { try await Task.sleep(nanoseconds: 600_000_000) }
        let query = try await channel.query(
            QueryRequest(transactionId: id, kind: .payment, expectedAmount: Demo.money(1234)))
        if record.payment(id) != nil {
            #expect(query.outcome?.status == .succeeded, "\(query)")
        } else {
            #expect(query.isNotFound, "\(query)")
        }
    }

    @Test(
        "a refund request hit by a fault is pending, never declined; the bank's record and a query agree",
        arguments: refundCases)
    func refundFault(_ fault: Case) async throws {
        let sim = try await FaultSimulator.launch(["--timeout-delay-ms", "20000"])
        defer { sim.stop() }
        let channel = try sim.channel(requestTimeout: .milliseconds(1000))
        let suffix = UUID().uuidString.prefix(8)
        let payment = "pay_rf_\(suffix)"
        let paid = try await channel.pay(PayRequest(transactionId: payment, amount: Demo.money(5000), subject: "tea"))
        #expect(paid.status == .succeeded)

        let id = "ref_fault_\(suffix)"
        let outcome = try await channel.refund(
            RefundRequest(
                transactionId: id, paymentTransactionId: payment, amount: Demo.money(2000),
                paymentAmount: Demo.money(5000), reason: "broken \(fault.tag)"))
        #expect(outcome.status == .pending, "\(outcome)")
        #expect(!outcome.notProcessed)
        #expect(outcome.bankCode == fault.bankCode, "\(outcome)")
        #expect(outcome.pendingCause == fault.cause, "\(outcome)")

        let record = try await sim.record()
        #expect((record.refund(id) != nil) == fault.recorded, "\(record.refunds.map(\.out_refund_no))")
        #expect(record.requests.first { $0.out_refund_no == id }?.fault == fault.name)
        let query = try await channel.query(
            QueryRequest(transactionId: id, kind: .refund, expectedAmount: Demo.money(2000)))
        if fault.recorded {
            #expect(query.outcome?.status == .succeeded, "\(query)")
        } else {
            #expect(query.isNotFound, "\(query)")
        }
    }

    @Test("dup-notify and late-notify answer a pay request normally: succeeded")
    func notificationFaultsAnswerNormally() async throws {
        let sim = try await FaultSimulator.launch(["--late-notify-ms", "100"])
        defer { sim.stop() }
        let channel = try sim.channel()
        for tag in ["[sim:dup-notify]", "[sim:late-notify]"] {
            let id = "pay_nf_" + UUID().uuidString.prefix(8)
            let outcome = try await channel.pay(
                PayRequest(transactionId: id, amount: Demo.money(300), subject: "cake \(tag)"))
            #expect(outcome.status == .succeeded, "\(tag): \(outcome)")
            #expect(try await sim.record().payment(id)?.status == "SUCCESS")
        }
    }

    @Test("nothing listening (connection refused) → declined, reason not_sent")
    func connectionRefused() async throws {
        let (socket, port) = try FaultRawSocket.refusingPort()
        defer { close(socket) }
        let channel = try FaultSimulator.channel(endpoint: "http://127.0.0.1:\(port)", requestTimeout: .seconds(2))
        let outcome = try await channel.pay(
            PayRequest(transactionId: "pay_refused_1", amount: Demo.money(100), subject: "tea"))
        #expect(outcome.status == .declined, "\(outcome)")
        #expect(outcome.notProcessed)
        #expect(outcome.declineReason == .notSent)
        #expect(outcome.mayTryAnotherChannel)
    }
}
