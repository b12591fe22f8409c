import ChannelKit
import Foundation
import MinbeiProtocol
import Testing

@testable import Minbei

@Suite("Minbei channel")
struct MinbeiChannelTests {
    @Test("the channel's pay request reproduces the document's test vector byte for byte, Chinese subject included")
    func vector() async throws {
        let bank = ScriptedBank { _ in .answer("09", []) }
        _ = try await makeChannel(bank).pay(
            PayRequest(transactionId: "pay_01J0000000000000000000000", amount: Demo.money(12345), subject: "订单42"))
        let sent = try #require(bank.requests.first)
        #expect(sent.contentType == "application/x-www-form-urlencoded; charset=GBK")
        #expect(sent.form["sign"] == "49D4A899B292995B78411161EF29EDF4")
        #expect(sent.form["sign_type"] == "MD5")
        #expect(
            MinbeiSigner.stringToSign(sent.form)
                == "amount=123.45&cur=156&mer_id=MB0001&notify_url=http://127.0.0.1:8080/v1/notify/minbei&order_no=pay_01J0000000000000000000000&service=pay&subject=订单42")
        // The subject travels as GBK bytes, percent-encoded: 订 is B6 A9.
        #expect(String(decoding: sent.body, as: UTF8.self).contains("subject=%B6%A9%B5%A542"))
    }

    @Test("bad configuration names the key; the key never appears in errors or logs")
    func configuration() async throws {
        let bad: [(ChannelConfiguration, String)] = [
            (Demo.configuration(settings: [:]), "mer_id"),
            (Demo.configuration(settings: ["mer_id": "MB 0001"]), "mer_id"),
            (Demo.configuration(credentials: [:]), "key"),
            (Demo.configuration(currencies: [Demo.cny, Currency(code: "USD")!]), "currencies"),
            (Demo.configuration(endpoint: "ftp://127.0.0.1/"), "endpoint"),
        ]
        for (configuration, key) in bad {
            let logger = RecordingLogger()
            do {
                _ = try await MinbeiPlugin().makeChannel(
                    context: ChannelContext(
                        configuration: configuration, transport: ScriptedBank { _ in .answer("25", []) }, logger: logger,
                        clock: FixedClock(), notifyURL: Demo.notifyURL))
                Issue.record("accepted a configuration without a valid \(key)")
            } catch let error as PaymentChannelError {
                #expect(error.code == .invalidConfiguration)
                #expect(error.message.contains(key), "\(error.message)")
                #expect(!error.message.contains(Demo.key))
            }
            #expect(!logger.text.contains(Demo.key))
        }
    }

    @Test("a subject GBK cannot hold, a bad id or another currency is refused before anything is sent")
    func refusedBeforeSending() async throws {
        let bank = ScriptedBank { _ in .answer("00", []) }
        let channel = try makeChannel(bank)
        for request in [
            PayRequest(transactionId: "pay_1", amount: Demo.money(100), subject: "emoji 🙂"),
            PayRequest(transactionId: "pay 1", amount: Demo.money(100), subject: "x"),
            PayRequest(transactionId: "pay_1", amount: Money(minorUnits: 100, currency: Currency(code: "USD")!), subject: "x"),
        ] {
            await #expect(throws: PaymentChannelError.self) { try await channel.pay(request) }
        }
        #expect(bank.requests.isEmpty)
    }

    @Test("self-check passes on a verified 25 and fails, naming the key, when the bank refuses our sign")
    func selfCheck() async throws {
        #expect(await (try makeChannel(ScriptedBank { _ in .answer("25", []) })).selfCheck().status == .passed)
        let refused = try MinbeiChannel(
            context: ChannelContext(
                configuration: Demo.configuration(credentials: ["key": Credential(current: Secret("wrong-key"))]),
                transport: ScriptedBank { _ in .answer("25", []) }, logger: RecordingLogger(), clock: FixedClock(),
                notifyURL: Demo.notifyURL))
        let result = await refused.selfCheck()
        #expect(result.status == .failed)
        #expect(result.detail.contains("key"), "\(result.detail)")
    }

    @Test("notifications: verified and answered `success`; a bad sign, a tampered amount or another service is refused")
    func notifications() async throws {
        let channel = try makeChannel(ScriptedBank { _ in .answer("00", []) })
        let fields: [(name: String, value: String)] = [
            ("service", "notify"), ("trans_type", "01"), ("order_no", "pay_1"), ("bank_seq", "20261201000000000042"),
            ("amount", "123.45"), ("trans_status", "S"), ("trans_time", "20261201101500"),
        ]
        func notification(_ form: MinbeiForm) -> InboundNotification {
            InboundNotification(
                method: "POST", target: "/v1/notify/minbei",
                headers: [HTTPHeaderField("Content-Type", "application/x-www-form-urlencoded; charset=GBK")],
                body: Data(form.encoded()!), receivedAt: Date())
        }
        let signer = MinbeiSigner(key: Demo.key)
        let result = try await channel.handleNotification(notification(signer.signed(MinbeiForm(fields))!))
        #expect(result.reply.status == 200 && result.reply.body == Data("success".utf8))
        #expect(result.events.count == 1)
        #expect(result.events.first?.transactionId == "pay_1" && result.events.first?.kind == .payment)
        #expect(result.events.first?.outcome.status == .succeeded)
        #expect(result.events.first?.outcome.amount == Demo.money(12345))
        #expect(
            result.events.first?.outcome.finishedAt == Date(timeIntervalSince1970: TimeInterval(MinbeiTime.unixSeconds(compact: "20261201101500")!)))

        var refund = fields
        refund[1] = ("trans_type", "02")
        refund[2] = ("refund_no", "rfd_1")
        refund[5] = ("trans_status", "F")
        let refunded = try await channel.handleNotification(notification(signer.signed(MinbeiForm(refund))!))
        #expect(refunded.events.first?.kind == .refund && refunded.events.first?.outcome.status == .declined)
        #expect(refunded.events.first?.outcome.bankCode == "F", "a decline never carries 00")

        var tampered = signer.signed(MinbeiForm(fields))!
        tampered.fields[4].value = "999.99"
        var otherService = fields
        otherService[0] = ("service", "pay")
        for form in [
            MinbeiSigner(key: "other").signed(MinbeiForm(fields))!, MinbeiForm(fields), tampered,
            signer.signed(MinbeiForm(otherService))!,
        ] {
            await #expect(throws: PaymentChannelError.self) { try await channel.handleNotification(notification(form)) }
        }
    }
}
