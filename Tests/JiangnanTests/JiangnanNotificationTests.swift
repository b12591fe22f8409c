import ChannelKit
import Foundation
import JiangnanProtocol
import Testing

@testable import Jiangnan

@Suite struct JiangnanNotificationTests {
    static let target = "/v1/notify/jiangnan"
    static let now = Date(timeIntervalSince1970: TimeInterval(Demo.vectorTime) / 1000)

    static func notification(
        event: String = "trade.finished", data: JiangnanJSON.Value, target: String = target, signedTarget: String? = nil,
        timestamp: Int64 = Demo.vectorTime - 2000, secret: String = Demo.secret, method: String = "POST"
    ) -> InboundNotification {
        let body = JiangnanJSON.object([("event", .string(event)), ("data", data)])
        let nonce = "n-notify01"
        let signature = JiangnanSigner(secret: secret).signature(
            method: "POST", target: signedTarget ?? target, timestamp: String(timestamp), nonce: nonce, body: body)
        return InboundNotification(
            method: method, target: target,
            headers: [
                HTTPHeaderField("Content-Type", "application/json"), HTTPHeaderField("X-JN-MerchantNo", Demo.merchantNo),
                HTTPHeaderField("x-jn-timestamp", String(timestamp)), HTTPHeaderField("X-JN-Nonce", nonce),
                HTTPHeaderField("X-JN-Signature", signature),
            ], body: body, receivedAt: now)
    }

    static func channel() throws -> JiangnanChannel {
        try makeChannel(bank: FakeBank { _ in .fail(TransportError(.notSent, "unused")) })
    }

    @Test func acceptsTradeAndRefundEvents() async throws {
        let channel = try Self.channel()
        let paid = try await channel.handleNotification(Self.notification(data: tradeData("pay_1", amount: 12345)))
        #expect(paid.events.count == 1)
        #expect(paid.events[0].transactionId == "pay_1")
        #expect(paid.events[0].kind == .payment)
        #expect(paid.events[0].outcome.status == .succeeded)
        #expect(paid.events[0].outcome.amount == Demo.money(12345))
        #expect(paid.events[0].outcome.bankTransactionId == "JN000000000000000001")
        #expect(paid.reply.status == 200)
        #expect(paid.reply.headers.value(for: "Content-Type") == "application/json")
        #expect(String(decoding: paid.reply.body, as: UTF8.self) == #"{"code":"0000","msg":"ok"}"#)

        let failed = try await channel.handleNotification(
            Self.notification(data: tradeData("pay_2", amount: 1, status: "FAILED", failCode: "2002", failMsg: "account frozen")))
        #expect(failed.events.first?.outcome.status == .declined)
        #expect(failed.events.first?.outcome.bankCode == "2002")

        let refunded = try await channel.handleNotification(
            Self.notification(event: "refund.finished", data: refundData("ref_1", payment: "pay_1", amount: 2000)))
        #expect(refunded.events.first?.kind == .refund)
        #expect(refunded.events.first?.transactionId == "ref_1")
        #expect(refunded.events.first?.outcome.status == .succeeded)
        let refundFailed = try await channel.handleNotification(
            Self.notification(event: "refund.finished", data: refundData("ref_2", payment: "pay_1", amount: 2000, status: "FAILED")))
        #expect(refundFailed.events.first?.outcome.status == .declined)
        #expect(refundFailed.events.first?.outcome.bankCode == "FAILED")

        // With a query string in the notify URL, TARGET includes it.
        let withQuery = Self.notification(data: tradeData("pay_3", amount: 1), target: "/v1/notify/jiangnan?x=1")
        #expect(try await channel.handleNotification(withQuery).events.count == 1)
    }

    @Test func rejectsUntrustworthyNotifications() async throws {
        let channel = try Self.channel()
        let data = tradeData("pay_1", amount: 12345)
        var unsigned = Self.notification(data: data)
        unsigned.headers.removeAll { $0.name == "X-JN-Signature" }
        var tampered = Self.notification(data: data)
        tampered.body = JiangnanJSON.object([("event", .string("trade.finished")), ("data", tradeData("pay_1", amount: 99_999))])
        var otherMerchant = Self.notification(data: data)
        otherMerchant.headers[1] = HTTPHeaderField("X-JN-MerchantNo", "JN0000000")
        let cases: [(String, InboundNotification)] = [
            ("wrong secret", Self.notification(data: data, secret: "forger")),
            ("unsigned", unsigned),
            ("tampered", tampered),
            ("other target", Self.notification(data: data, signedTarget: "/v1/notify/other")),
            ("stale", Self.notification(data: data, timestamp: Demo.vectorTime - 300_001)),
            ("future", Self.notification(data: data, timestamp: Demo.vectorTime + 300_001)),
            ("GET", Self.notification(data: data, method: "GET")),
            ("unknown event", Self.notification(event: "trade.created", data: data)),
            ("refund event with payment data", Self.notification(event: "refund.finished", data: data)),
            ("unknown status", Self.notification(data: tradeData("pay_1", amount: 1, status: "CLOSED"))),
            ("other merchant", otherMerchant),
        ]
        for (name, notification) in cases {
            do {
                _ = try await channel.handleNotification(notification)
                Issue.record("accepted: \(name)")
            } catch let error as PaymentChannelError {
                #expect(error.code == .notificationRejected, "\(name)")
            }
        }
    }
}
