import AsyncHTTPClient
import Foundation
import JiangnanProtocol
import Logging
import NIOCore

/// Delivers `trade.finished` / `refund.finished` notifications: signed afresh for every attempt, 8 attempts in
/// all, each retry after the configured delay; delivered on HTTP 200 with a JSON body whose `code` is `"0000"`.
struct Notifier: Sendable {
    /// Attempts per notification.
    static let attempts = 8

    let client: HTTPClient
    let queue: JobQueue
    let clock: SimulatorClock
    let ledger: BankLedger
    let merchants: MerchantDirectory
    /// Seconds before attempts 2…8; the last value repeats when fewer are given.
    let retryDelays: [Double]
    let logger: Logger

    /// Notifies the end of a payment.
    func paymentFinished(_ payment: PaymentRecord) {
        let body = JiangnanNotification(event: "trade.finished", data: payment.wireData)
        send(merchantNo: payment.merchantNo, event: body.event, id: payment.outTradeNo, url: payment.notifyURL,
             body: Self.encode(body))
    }

    /// Notifies the end of a refund, to its payment's `notify_url`.
    func refundFinished(_ refund: RefundRecord, notifyURL: String) {
        let body = JiangnanNotification(event: "refund.finished", data: refund.wireData)
        send(merchantNo: refund.merchantNo, event: body.event, id: refund.outRefundNo, url: notifyURL,
             body: Self.encode(body))
    }

    private func send(merchantNo: String, event: String, id: String, url: String, body: Data) {
        queue.submit {
            await deliver(merchantNo: merchantNo, event: event, id: id, url: url, body: body)
        }
    }

    private func deliver(merchantNo: String, event: String, id: String, url: String, body: Data) async {
        guard let signer = merchants.signer(for: merchantNo) else { return }
        for attempt in 1...Self.attempts {
            if attempt > 1 {
                let delay = retryDelays.isEmpty ? 0 : retryDelays[min(attempt - 2, retryDelays.count - 1)]
                do {
                    try await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1_000_000_000))
                } catch {
                    return
                }
            }
            let (status, delivered, failure) = await attemptDelivery(
                merchantNo: merchantNo, signer: signer, url: url, body: body)
            if Task.isCancelled { return }
            await ledger.log(
                NotificationLogEntry(
                    event: event, id: id, url: url, attempt: attempt, http_status: status, delivered: delivered,
                    at: clock.nowMilliseconds, error: failure))
            logger.info(
                "notification attempt",
                metadata: [
                    "event": "\(event)", "id": "\(id)", "attempt": "\(attempt)",
                    "http_status": "\(status.map(String.init) ?? "-")", "delivered": "\(delivered)",
                ])
            if delivered { return }
        }
        logger.warning("notification given up", metadata: ["event": "\(event)", "id": "\(id)"])
    }

    /// One signed POST; the HTTP status (if any), whether it counts as delivered, and a transport error text.
    private func attemptDelivery(merchantNo: String, signer: JiangnanSigner, url: String, body: Data) async -> (
        Int?, Bool, String?
    ) {
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
