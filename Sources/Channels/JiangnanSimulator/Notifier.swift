import SimulatorSupport
import AsyncHTTPClient
import Foundation
import JiangnanProtocol
import Logging
import NIOCore

/// Delivers `trade.finished` / `refund.finished` notifications: signed afresh for every attempt, 8 attempts in
/// all, each retry after the configured delay; delivered on HTTP 200 with a JSON body whose `code` is `"0000"`.
/// The `dup-notify` and `late-notify` faults send a payment's notification twice or late.
struct Notifier: Sendable {
    /// The first attempt and seven retries.
    static let attempts = 8

    /// Delivery and retries (SimulatorSupport); this type makes Jiangnan's signed requests and acknowledgements.
    let delivery: SimNotifier
    let clock: SimulatorClock
    let merchants: MerchantDirectory

    init(
        client: HTTPClient, queue: JobScheduler, clock: SimulatorClock, ledger: BankLedger, merchants: MerchantDirectory,
        faults: FaultInjector, retryDelays: [Double], logger: Logger
    ) {
        self.clock = clock
        self.merchants = merchants
        delivery = SimNotifier(
            client: client, scheduler: queue, clock: clock, faults: faults, retryDelays: retryDelays,
            attempts: Self.attempts, logger: logger,
            log: { attempt in
                await ledger.log(
                    NotificationLogEntry(
                        event: attempt.kind, id: attempt.transaction_id, url: attempt.url, attempt: attempt.attempt,
                        http_status: attempt.http_status, delivered: attempt.delivered, at: attempt.at, error: attempt.error))
            })
    }

    func paymentFinished(_ payment: PaymentRecord, copies: Int = 1, delayMilliseconds: Int = 0) {
        let body = JiangnanNotification(event: "trade.finished", data: payment.wireData)
        send(
            merchantNo: payment.merchantNo, event: body.event, id: payment.outTradeNo, url: payment.notifyURL,
            body: Self.encode(body), copies: copies, delayMilliseconds: delayMilliseconds)
    }

    func refundFinished(_ refund: RefundRecord, notifyURL: String) {
        let body = JiangnanNotification(event: "refund.finished", data: refund.wireData)
        send(
            merchantNo: refund.merchantNo, event: body.event, id: refund.outRefundNo, url: notifyURL,
            body: Self.encode(body), copies: 1, delayMilliseconds: 0)
    }

    /// Each attempt is signed afresh (timestamp, nonce; METHOD `POST`, TARGET the notify URL's path and query).
    private func send(
        merchantNo: String, event: String, id: String, url: String, body: Data, copies: Int, delayMilliseconds: Int
    ) {
        guard let signer = merchants.signer(for: merchantNo) else { return }
        let clock = self.clock
        let target = Self.target(of: url)
        delivery.send(
            SimNotifier.Delivery(
                kind: event, transactionId: id, url: url,
                makeRequest: {
                    let timestamp = String(clock.nowMilliseconds)
                    let nonce = ResponseSigner.freshNonce(prefix: "n-")
                    let signature = signer.signature(
                        method: "POST", target: target, timestamp: timestamp, nonce: nonce, body: body)
                    return (
                        [
                            ("Content-Type", "application/json"), (JiangnanHeaders.merchantNo, merchantNo),
                            (JiangnanHeaders.timestamp, timestamp), (JiangnanHeaders.nonce, nonce),
                            (JiangnanHeaders.signature, signature),
                        ], Array(body)
                    )
                },
                isAcknowledged: { status, answer in status == 200 && Self.isAcknowledgement(Data(answer)) }),
            copies: copies, delayMilliseconds: delayMilliseconds)
    }

    static func target(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return "/" }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return components.percentEncodedQuery.map { path + "?" + $0 } ?? path
    }

    private static func isAcknowledgement(_ body: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
        return object["code"] as? String == JiangnanCode.ok
    }

    private static func encode<Payload: Encodable>(_ value: Payload) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}
