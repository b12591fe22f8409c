import ChannelKit
import Foundation
import HaixiProtocol
import SimulatorSupport
import Synchronization
import Testing

@testable import Haixi

/// The real Haixi channel against the real `haixi-sim` process: keys made by `haixi-sim keygen` and
/// `--write-bank-public-key`, read by the channel from files as a channel config would give them.
@Suite(.serialized) struct HaixiSimulatorInteropTests {
    static let cny = Currency(code: "CNY")!

    static func money(_ fen: Int64) -> Money { Money(minorUnits: fen, currency: cny) }

    static func channel(sim: HaixiSimProcess, clock: OffsetClock, notifyPort: Int) throws -> HaixiChannel {
        let configuration = ChannelConfiguration(
            channelId: "haixi", pluginId: "haixi", endpoint: URL(string: sim.base)!, settings: ["mer_id": "HX310000001"],
            credentials: [
                "private_key": Credential(current: Secret(try String(contentsOf: sim.merchantPrivateKey, encoding: .utf8))),
                "bank_public_key": Credential(current: Secret(try String(contentsOf: sim.bankPublicKey, encoding: .utf8))),
            ],
            currencies: [CurrencyBound(cny, maximumMinorUnits: 5_000_000)])
        return try HaixiChannel(
            context: ChannelContext(
                configuration: configuration, transport: TestTransport(), logger: QuietLogger(), clock: clock,
                notifyURL: URL(string: "http://127.0.0.1:\(notifyPort)/v1/notify/haixi")!))
    }

    @Test("pay, duplicates, refusals, query, refunds, processing with its notification, faults, the statement")
    func channelAgainstTheSimulator() async throws {
        let sim = try await HaixiSimProcess.launch(["--notify-delays", "0.2", "--processing-delay-ms", "300"])
        defer { sim.stop() }
        let holder = Mutex<HaixiChannel?>(nil)
        let receiver = try await NotifyReceiver.start(refusals: 1) { holder.withLock { $0 } }
        defer { receiver.stop() }
        let clock = OffsetClock()
        let channel = try Self.channel(sim: sim, clock: clock, notifyPort: receiver.port)
        holder.withLock { $0 = channel }

        #expect(await channel.selfCheck().status == .passed)

        let suffix = String(UUID().uuidString.prefix(8))
        let payId = "pay_ok_\(suffix)"
        let paid = try await channel.pay(PayRequest(transactionId: payId, amount: Self.money(12345), subject: "order"))
        #expect(paid.status == .succeeded)
        #expect(paid.bankTransactionId.map(HaixiStatement.isBankSerial) == true)
        let again = try await channel.pay(PayRequest(transactionId: payId, amount: Self.money(12345), subject: "order"))
        #expect(again.status == .succeeded)
        #expect(again.bankTransactionId == paid.bankTransactionId)
        let mismatch = try await channel.pay(PayRequest(transactionId: payId, amount: Self.money(1), subject: "order"))
        #expect(mismatch.status == .declined)
        #expect(mismatch.bankCode == "200004")

        let poor = try await channel.pay(
            PayRequest(transactionId: "pay_poor_\(suffix)", amount: Self.money(100), subject: "x [sim:insufficient-funds]"))
        #expect(poor.declineReason == .declined)
        #expect(poor.bankCode == "200001")
        let frozen = try await channel.pay(
            PayRequest(transactionId: "pay_frozen_\(suffix)", amount: Self.money(100), subject: "[sim:frozen]"))
        #expect(frozen.bankCode == "200002")
        let busy = try await channel.pay(PayRequest(transactionId: "pay_busy_\(suffix)", amount: Self.money(100), subject: "[sim:busy]"))
        #expect(busy.pendingCause == .busy)
        let elsewhere = try await channel.pay(
            PayRequest(transactionId: "pay_ns_\(suffix)", amount: Self.money(100), subject: "[sim:not-supported]"))
        #expect(elsewhere.mayTryAnotherChannel)
        for (tag, cause) in [("bad-signature", PendingCause.unverifiable), ("malformed", .unverifiable), ("5xx", .serverError)] {
            let outcome = try await channel.pay(
                PayRequest(transactionId: "pay_\(tag)_\(suffix)", amount: Self.money(100), subject: "[sim:\(tag)]"))
            #expect(outcome.pendingCause == cause, "[sim:\(tag)]")
        }

        let query = try await channel.query(QueryRequest(transactionId: payId, kind: .payment, expectedAmount: Self.money(12345)))
        #expect(query.outcome?.status == .succeeded)
        let wrongAmount = try await channel.query(QueryRequest(transactionId: payId, kind: .payment, expectedAmount: Self.money(12344)))
        #expect(wrongAmount.outcome?.pendingCause == .unverifiable)
        let failedQuery = try await channel.query(
            QueryRequest(transactionId: "pay_poor_\(suffix)", kind: .payment, expectedAmount: Self.money(100)))
        #expect(failedQuery.outcome?.status == .declined)
        let unknown = try await channel.query(
            QueryRequest(transactionId: "pay_none_\(suffix)", kind: .payment, expectedAmount: Self.money(1)))
        #expect(unknown.isNotFound)

        let refund = RefundRequest(
            transactionId: "ref_\(suffix)", paymentTransactionId: payId, amount: Self.money(2000),
            paymentAmount: Self.money(12345), reason: "returned")
        #expect(try await channel.refund(refund).status == .succeeded)
        #expect(try await channel.refund(refund).status == .succeeded, "the same refund again")
        let tooMuch = RefundRequest(
            transactionId: "ref2_\(suffix)", paymentTransactionId: payId, amount: Self.money(12345),
            paymentAmount: Self.money(12345), reason: "again")
        #expect(try await channel.refund(tooMuch).bankCode == "200003")
        let refundQuery = try await channel.query(
            QueryRequest(transactionId: "ref_\(suffix)", kind: .refund, expectedAmount: Self.money(2000)))
        #expect(refundQuery.outcome?.status == .succeeded)

        let slowId = "pay_proc_\(suffix)"
        let processing = try await channel.pay(PayRequest(transactionId: slowId, amount: Self.money(700), subject: "[sim:processing]"))
        #expect(processing.pendingCause == .processing)
        #expect(
            try await eventually {
                await receiver.inbox.events.contains { $0.transactionId == slowId && $0.outcome.status == .succeeded }
            }, "the processing payment's 2001 notification reaches the channel")
        let settled = try await channel.query(QueryRequest(transactionId: slowId, kind: .payment, expectedAmount: Self.money(700)))
        #expect(settled.outcome?.status == .succeeded)

        // Notifications stop once the channel's signed reply is accepted; the refused first one was retried.
        #expect(
            try await eventually {
                let record = try await sim.record()
                return [payId, slowId, "ref_\(suffix)"].allSatisfy { id in record.notifications.contains { $0.transaction_id == id && $0.delivered } }
            })
        let record = try await sim.record()
        #expect(record.notifications.contains { !$0.delivered && $0.attempt == 1 })
        for id in [payId, slowId] {
            #expect(record.notifications.filter { $0.transaction_id == id && $0.delivered }.count == 1, "\(id) delivered once")
        }
        #expect(record.requests.allSatisfy { $0.signature_valid || $0.code == "" }, "every message the channel signed verified")

        // Today's statement is not ready; at 01:30 (UTC+8) of the next day it is, and it lists the day's lines.
        let finished = try #require(paid.finishedAt)
        let day = try #require(BusinessDate(HaixiTime.formatDate(finished)))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hx-interop-\(suffix)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let destination = folder.appendingPathComponent("statement.txt")
        let notReady = await #expect(throws: PaymentChannelError.self) {
            _ = try await channel.downloadStatement(StatementRequest(businessDate: day, destination: destination))
        }
        #expect(notReady?.code == .statementNotReady)
        let startOfDay = try #require(HaixiTime.parse(day.compact + "000000"))
        let target = startOfDay.addingTimeInterval(25.5 * 3600)
        let offset = Int64((target.timeIntervalSinceNow * 1000).rounded())
        try await sim.setClockOffset(offset)
        clock.offset.withLock { $0 = offset }
        let file = try await channel.downloadStatement(StatementRequest(businessDate: day, destination: destination))
        var records: [StatementRecord] = []
        var issues: [StatementIssue] = []
        var trailer: StatementTrailer?
        for try await batch in channel.parseStatement(file, batchSize: 100) {
            records += batch.records
            issues += batch.issues
            if let found = batch.trailer { trailer = found }
        }
        #expect(issues.isEmpty, "\(issues)")
        let pay = try #require(records.first { $0.transactionId == payId })
        #expect(pay.status == .succeeded)
        #expect(pay.amount == Self.money(12345))
        #expect(pay.fee == Self.money(12))
        #expect(pay.bankTransactionId == paid.bankTransactionId)
        let refunded = try #require(records.first { $0.transactionId == "ref_\(suffix)" })
        #expect(refunded.kind == .refund)
        #expect(refunded.originalTransactionId == payId)
        #expect(records.first { $0.transactionId == "pay_poor_\(suffix)" }?.status == .failed)
        #expect(trailer?.recordCount == records.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["statement.txt"])
    }

    @Test("a channel whose bank_public_key is not the simulator's fails its self-check, saying what to check")
    func wrongBankKey() async throws {
        let sim = try await HaixiSimProcess.launch([])
        defer { sim.stop() }
        try HaixiSigner.generate().publicKeyPEM.write(to: sim.bankPublicKey, atomically: true, encoding: .utf8)
        let channel = try Self.channel(sim: sim, clock: OffsetClock(), notifyPort: 9)
        let result = await channel.selfCheck()
        #expect(result.status == .failed)
        #expect(result.detail.contains("check mer_id and keys"))
        let outcome = try await channel.pay(PayRequest(transactionId: "pay_x", amount: Self.money(1), subject: "x"))
        #expect(outcome.pendingCause == .unverifiable, "a pay answered under another key is pending, never declined")
    }
}
