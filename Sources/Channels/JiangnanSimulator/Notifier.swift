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
    /// Attempts per notification.
    static let attempts = 8

    let client: HTTPClient
    let queue: JobScheduler
    let clock: SimulatorClock
    let ledger: BankLedger
    let merchants: MerchantDirectory
    /// Its `notify_unavailable` switch fails attempts unsent.
    let faults: FaultInjector
    /// Seconds before attempts 2…8; the last value repeats when fewer are given.
    let retryDelays: [Double]
    let logger: Logger

    /// Notifies the end of a payment: `copies` independent deliveries (`dup-notify`: 2, the second starting once
    /// the first's first attempt is over), the first attempt after `delayMilliseconds` (`late-notify`).
    func paymentFinished(_ payment: PaymentRecord, copies: Int = 1, delayMilliseconds: Int = 0) {
        let body = JiangnanNotification(event: "trade.finished", data: payment.wireData)
        send(
            Delivery(
                merchantNo: payment.merchantNo, event: body.event, id: payment.outTradeNo, url: payment.notifyURL,
                body: Self.encode(body)),
            copies: copies, delayMilliseconds: delayMilliseconds)
    }

    /// Notifies the end of a refund, to its payment's `notify_url`.
    func refundFinished(_ refund: RefundRecord, notifyURL: String) {
        let body = JiangnanNotification(event: "refund.finished", data: refund.wireData)
        send(
            Delivery(
                merchantNo: refund.merchantNo, event: body.event, id: refund.outRefundNo, url: notifyURL,
                body: Self.encode(body)),
            copies: 1, delayMilliseconds: 0)
    }

    /// One notification to deliver.
    private struct Delivery: Sendable {
        var merchantNo: String
        var event: String
        var id: String
        var url: String
        var body: Data
    }

    private func send(_ delivery: Delivery, copies: Int, delayMilliseconds: Int) {
        queue.schedule(after: .milliseconds(max(0, delayMilliseconds))) {
            await attempt(delivery, number: 1, copies: copies)
        }
    }

    /// Attempt `number` of ``attempts``; a failed one schedules the next after its retry delay (a job of its own:
    /// nothing waits as a task in between). The next copy (`dup-notify`) starts once the first attempt is over.
    private func attempt(_ delivery: Delivery, number: Int, copies: Int) async {
        guard let signer = merchants.signer(for: delivery.merchantNo) else { return }
        let (event, id) = (delivery.event, delivery.id)
        let (status, delivered, failure) = await attemptDelivery(
            merchantNo: delivery.merchantNo, signer: signer, url: delivery.url, body: delivery.body)
        if Task.isCancelled { return }
        await ledger.log(
            NotificationLogEntry(
                event: event, id: id, url: delivery.url, attempt: number, http_status: status,
                delivered: delivered, at: clock.nowMilliseconds, error: failure))
        logger.info(
            "notification attempt",
            metadata: [
                "event": "\(event)", "id": "\(id)", "attempt": "\(number)",
                "http_status": "\(status.map(String.init) ?? "-")", "delivered": "\(delivered)",
            ])
        if number == 1, copies > 1 { send(delivery, copies: copies - 1, delayMilliseconds: 0) }
        if delivered { return }
        guard number < Self.attempts else {
            logger.warning("notification given up", metadata: ["event": "\(event)", "id": "\(id)"])
            return
        }
        let delay = retryDelays.isEmpty ? 0 : retryDelays[min(number - 1, retryDelays.count - 1)]
        queue.schedule(after: .milliseconds(Int64((max(0, delay) * 1000).rounded()))) {
            await attempt(delivery, number: number + 1, copies: 1)
        }
    }

    /// One signed POST; the HTTP status (if any), whether it counts as delivered, and a transport error text.
    private func attemptDelivery(merchantNo: String, signer: JiangnanSigner, url: String, body: Data) async -> (
        Int?, Bool, String?
    ) {
        if faults.isNotifyUnavailable { return (nil, false, "notify_unavailable: not sent") }
        let timestamp = String(clock.nowMilliseconds)
        let nonce = ResponseSigner.freshNonce(prefix: "n-")
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: JiangnanHeaders.merchantNo, value: merchantNo)
        request.headers.add(name: JiangnanHeaders.timestamp, value: timestamp)
        request.headers.add(name: JiangnanHeaders.nonce, value: nonce)
        request.headers.add(
            name: JiangnanHeaders.signature,
            value: signer.signature(
                method: "POST", target: Self.target(of: url), timestamp: timestamp, nonce: nonce, body: body))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            let answer = try await response.body.collect(upTo: 1 << 20)
            let status = Int(response.status.code)
            return (status, status == 200 && Self.isAcknowledgement(Data(answer.readableBytesView)), nil)
        } catch {
            return (nil, false, String(describing: error))
        }
    }

    /// TARGET of a notify URL: its path (`/` when empty) plus `?query` when there is one, as written.
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
