import ChannelKit
import Foundation
import JiangnanProtocol
import Testing

@testable import Jiangnan

/// A rotating `secret` (ChannelKit 2.0 `Credential` with a current and a next value): requests are signed with
/// the current secret only; answers and notifications signed with either verify; any other secret does not.
@Suite struct JiangnanKeyRotationTests {
    static let next = "jn-next-secret-0002"
    static let payRequest = PayRequest(transactionId: "pay_rotation_1", amount: Demo.money(12345), subject: "order")

    static func rotatingChannel(bank: FakeBank) throws -> JiangnanChannel {
        let configuration = Demo.configuration(
            credentials: ["secret": Credential(current: Secret(Demo.secret), next: Secret(next))])
        return try JiangnanChannel(
            context: ChannelContext(
                configuration: configuration, transport: bank, logger: RecordingLogger(), clock: bank.clock,
                notifyURL: Demo.notifyURL))
    }

    /// A pay answer signed with `secret`.
    static func answer(signedWith secret: String) -> FakeBank {
        FakeBank { request in
            .raw(
                FakeBank.signedEnvelope(
                    code: "0000", msg: "ok", data: tradeData(payRequest.transactionId, amount: 12345),
                    target: request.target, timestamp: Demo.vectorTime, secret: secret))
        }
    }

    @Test func keyringSignsWithTheCurrentSecretAndVerifiesWithEither() {
        let keys = JiangnanKeyring(Credential(current: Secret(Demo.secret), next: Secret(Self.next)))
        let body = Data(#"{"a":1}"#.utf8)
        let signed = keys.signature(method: "POST", target: "/api/v1/pay", timestamp: "1", nonce: "n-0000001", body: body)
        #expect(signed == JiangnanSigner(secret: Demo.secret).signature(method: "POST", target: "/api/v1/pay", timestamp: "1", nonce: "n-0000001", body: body))
        #expect(signed != JiangnanSigner(secret: Self.next).signature(method: "POST", target: "/api/v1/pay", timestamp: "1", nonce: "n-0000001", body: body))
        for secret in [Demo.secret, Self.next] {
            let signature = JiangnanSigner(secret: secret).signature(method: "RESP", target: "/t", timestamp: "2", nonce: "n-0000002", body: body)
            #expect(keys.isValid(signature, method: "RESP", target: "/t", timestamp: "2", nonce: "n-0000002", body: body))
        }
        let other = JiangnanSigner(secret: "someone-else").signature(method: "RESP", target: "/t", timestamp: "2", nonce: "n-0000002", body: body)
        #expect(!keys.isValid(other, method: "RESP", target: "/t", timestamp: "2", nonce: "n-0000002", body: body))
        // Without a next value only the current secret verifies.
        let single = JiangnanKeyring(Credential(current: Secret(Demo.secret)))
        let nextSigned = JiangnanSigner(secret: Self.next).signature(method: "RESP", target: "/t", timestamp: "2", nonce: "n-0000002", body: body)
        #expect(!single.isValid(nextSigned, method: "RESP", target: "/t", timestamp: "2", nonce: "n-0000002", body: body))
    }

    @Test func answersSignedWithEitherSecretVerifyAndRequestsCarryTheCurrentOne() async throws {
        for secret in [Demo.secret, Self.next] {
            let bank = Self.answer(signedWith: secret)
            let outcome = try await Self.rotatingChannel(bank: bank).pay(Self.payRequest)
            #expect(outcome.status == .succeeded, "answer signed with the \(secret == Demo.secret ? "current" : "next") secret: \(outcome)")
            // The fake bank verifies every request with the current (demo) secret.
            #expect(bank.requests.count == 1)
            #expect(bank.requests.allSatisfy { $0.signatureValid })
        }
        let forged = try await Self.rotatingChannel(bank: Self.answer(signedWith: "not-a-key-of-ours")).pay(Self.payRequest)
        #expect(forged.status == .pending)
        #expect(forged.pendingCause == .unverifiable)
    }

    @Test func notificationsSignedWithEitherSecretAreAccepted() async throws {
        let channel = try Self.rotatingChannel(bank: FakeBank { _ in .fail(TransportError(.notSent, "unused")) })
        for secret in [Demo.secret, Self.next] {
            let result = try await channel.handleNotification(
                JiangnanNotificationTests.notification(data: tradeData("pay_n", amount: 5), secret: secret))
            #expect(result.events.first?.outcome.status == .succeeded)
        }
        await #expect(throws: PaymentChannelError.self) {
            try await channel.handleNotification(
                JiangnanNotificationTests.notification(data: tradeData("pay_n", amount: 5), secret: "not-a-key-of-ours"))
        }
    }
}
