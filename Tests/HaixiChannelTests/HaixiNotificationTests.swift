import ChannelKit
import Foundation
import HaixiProtocol
import Testing

@testable import Haixi

@Suite("Haixi notifications 2001/2002: verified, answered with the signed 000000 reply")
struct HaixiNotificationTests {
    static func notification(
        txCode: String = "2001", merId: String = Demo.merchantId, serialNo: String = "pay_1",
        body: [(name: String, value: String)] = resultBody(amount: 12345, type: "PAY"), signer: HaixiSigner = Demo.bank
    ) -> InboundNotification {
        let message = HaixiMessage(
            head: [("TxCode", txCode), ("MerId", merId), ("TxTime", "20261125100006"), ("SerialNo", serialNo)], body: body)
        return InboundNotification(
            method: "POST", target: "/v1/notify/haixi", headers: [HTTPHeaderField("Content-Type", "text/xml; charset=UTF-8")],
            body: Data(try! message.encoded(signedBy: signer)), receivedAt: Demo.vectorTime)
    }

    static func channel() throws -> HaixiChannel {
        try makeChannel(bank: FakeBank { _ in .fail(TransportError(.notSent, "unused")) })
    }

    @Test("a pay and a refund notification are accepted; the reply is signed by the merchant and echoes the Head")
    func accepted() async throws {
        let channel = try Self.channel()
        let paid = try await channel.handleNotification(Self.notification())
        #expect(paid.events.count == 1)
        #expect(paid.events[0].transactionId == "pay_1")
        #expect(paid.events[0].kind == .payment)
        #expect(paid.events[0].outcome.status == .succeeded)
        #expect(paid.events[0].outcome.amount == Demo.money(12345))
        #expect(paid.events[0].outcome.bankTransactionId == "HX00000000000000000001")
        #expect(paid.reply.status == 200)
        #expect(paid.reply.headers.value(for: "Content-Type") == "text/xml; charset=UTF-8")

        let bytes = Array(paid.reply.body)
        guard case .success(let reply) = HaixiEnvelope.parse(bytes) else {
            Issue.record("the reply is not a Haixi message")
            return
        }
        let merchant = try HaixiVerifier(publicKeyPEM: Demo.merchant.publicKeyPEM)
        #expect(merchant.isValid(signature: reply.signature, over: bytes[reply.signedRange]))
        #expect(
            String(decoding: bytes[reply.signedRange], as: UTF8.self)
                == "<Head><TxCode>2001</TxCode><MerId>HX310000001</MerId><TxTime>20261125100000</TxTime>"
                + "<SerialNo>pay_1</SerialNo><RespCode>000000</RespCode><RespMsg>OK</RespMsg></Head><Body></Body>")

        let refunded = try await channel.handleNotification(
            Self.notification(txCode: "2002", serialNo: "ref_1", body: resultBody(status: "02", amount: 2000, type: "REFUND")))
        #expect(refunded.events.first?.kind == .refund)
        #expect(refunded.events.first?.transactionId == "ref_1")
        #expect(refunded.events.first?.outcome.status == .declined)
        let replyBytes = Array(refunded.reply.body)
        guard case .success(let refundReply) = HaixiEnvelope.parse(replyBytes) else {
            Issue.record("the reply is not a Haixi message")
            return
        }
        #expect(refundReply.head("TxCode", in: replyBytes) == "2002")
        #expect(refundReply.head("SerialNo", in: replyBytes) == "ref_1")
    }

    @Test("forged, foreign, unknown or inconsistent notifications are refused")
    func refused() async throws {
        let channel = try Self.channel()
        var tampered = Self.notification()
        let text = String(decoding: tampered.body, as: UTF8.self).replacingOccurrences(of: "12345", with: "12346")
        tampered.body = Data(text.utf8)
        var get = Self.notification()
        get.method = "GET"
        let cases: [InboundNotification] = [
            Self.notification(signer: Demo.stranger),
            Self.notification(signer: Demo.merchant),
            tampered,
            get,
            Self.notification(merId: "HX399999999"),
            Self.notification(txCode: "2003"),
            Self.notification(txCode: "1001"),
            Self.notification(txCode: "2002"),
            Self.notification(serialNo: "pay 1"),
            Self.notification(body: resultBody(status: "09", amount: 12345, type: "PAY")),
            Self.notification(body: resultBody(amount: 12345, type: "PAY", bankSerialNo: "HX1")),
            InboundNotification(method: "POST", target: "/v1/notify/haixi", headers: [], body: Data("{}".utf8), receivedAt: Demo.vectorTime),
        ]
        for (index, notification) in cases.enumerated() {
            let error = await #expect(throws: PaymentChannelError.self, "case \(index)") {
                try await channel.handleNotification(notification)
            }
            #expect(error?.code == .notificationRejected)
        }
    }
}
