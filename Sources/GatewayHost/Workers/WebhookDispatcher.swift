import AsyncHTTPClient
import Foundation
import Logging
import MerchantAuth
import Metrics
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Delivers the webhook events of the transactional outbox to merchants.
///
/// An event is written in the same database transaction as the final state it announces, so no final
/// state goes unannounced, even across a crash. Each round takes the due events, claims each one
/// (compare-and-set, so that several gateway processes never send one event at once) and POSTs it to the
/// payment's notify URL, else the merchant's default, signed with the merchant's secret:
/// `X-Gateway-Timestamp` (Unix ms) and `X-Gateway-Signature` = hex HMAC-SHA256(secret, timestamp "." body).
/// A 2xx answer delivers it; anything else is retried with exponential backoff until `maxAttempts`.
/// Every attempt is stored and shown by `GET /v1/payments/{id}/events`. Delivery is at least once: a
/// merchant deduplicates by the event id (`X-Gateway-Event-Id`, also in the body).
struct WebhookDispatcher: Service {
    struct Configuration: Sendable {
        var pollInterval: Duration = .milliseconds(250)
        /// Delay after the first failed attempt; doubles with every further one, up to `maximumDelay`.
        var retryBase: Duration = .seconds(5)
        var maximumDelay: Duration = .seconds(3600)
        var maxAttempts = 12
        var timeout: Duration = .seconds(10)
        var batchSize = 32
    }

    var payments: PaymentService
    var merchants: MerchantRegistry
    var configuration = Configuration()
    var logger: Logger

    func run() async throws {
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.redirectConfiguration = .disallow
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: clientConfiguration)
        logger.info("webhook dispatcher started")
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if await LedgerWrites.$origin.withValue("webhook", operation: { await round(client) }) < configuration.batchSize {
                    try await Task.sleep(for: configuration.pollInterval)
                }
            }
        }
        try? await client.shutdown()
        logger.info("webhook dispatcher stopped")
    }

    private func round(_ client: HTTPClient) async -> Int {
        let due: [WebhookEvent]
        do {
            due = try await payments.store.dueWebhooks(now: payments.now(), limit: configuration.batchSize)
        } catch {
            logger.error("webhooks: cannot read the outbox", metadata: ["error": "\(error)"])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for event in due {
                group.addTask { await deliver(event, client) }
            }
        }
        return due.count
    }

    private func deliver(_ event: WebhookEvent, _ client: HTTPClient) async {
        do {
            let lease = payments.now() + configuration.timeout.seconds + 5
            guard try await payments.store.claimWebhook(event, until: lease) else { return }
            let merchant = merchants.merchant(event.merchantId)
            let number = event.attemptCount + 1
            let body: String
            if let frozen = event.body {
                body = frozen
            } else if let fresh = payments.webhookBodies.take(event.id) {
                body = fresh
                Counter(label: "gateway_webhook_bodies_total", dimensions: [("source", "outcome")]).increment()
            } else {
                body = try await WebhookPayload.render(event, payments: payments)
                Counter(label: "gateway_webhook_bodies_total", dimensions: [("source", "ledger")]).increment()
            }
            guard let merchant, let url = event.url ?? merchant.notifyURL else {
                let attempt = WebhookAttempt(
                    number: number, at: payments.now(), url: "", httpStatus: nil,
                    error: merchant == nil ? "merchant is not configured" : "no notify_url on the payment or the merchant",
                    durationMs: 0)
                try await payments.store.recordWebhookAttempt(attempt, event: event, body: body, state: .noEndpoint, next: nil)
                return
            }
            let attempt = await send(body, to: url, event: event, number: number, secret: merchant.secret.reveal(), client)
            let delivered = attempt.httpStatus.map { (200..<300).contains($0) } ?? false
            let state: WebhookEvent.State = delivered ? .delivered : (number >= configuration.maxAttempts ? .failed : .pending)
            let next = state == .pending ? payments.now() + retryDelay(after: number) : nil
            try await payments.store.recordWebhookAttempt(attempt, event: event, body: body, state: state, next: next)
            Counter(label: "gateway_webhook_attempts_total", dimensions: [("result", delivered ? "delivered" : "failed")]).increment()
            if state == .failed {
                logger.error("webhook given up", metadata: ["event": "\(event.id)", "attempts": "\(number)"])
            }
        } catch {
            logger.error("webhook delivery step failed", metadata: ["event": "\(event.id)", "error": "\(error)"])
        }
    }

    private func send(
        _ body: String, to url: String, event: WebhookEvent, number: Int, secret: String, _ client: HTTPClient
    ) async -> WebhookAttempt {
        let started = payments.now()
        let clock = ContinuousClock.now
        // The signature's timestamp is real time: the merchant compares it with its own clock.
        let timestamp = String(Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "bank-channel-gateway-webhooks")
        request.headers.add(name: WebhookSignature.Header.eventId, value: event.id)
        request.headers.add(name: WebhookSignature.Header.timestamp, value: timestamp)
        request.headers.add(
            name: WebhookSignature.Header.signature,
            value: WebhookSignature.sign(secret: secret, timestamp: timestamp, body: Data(body.utf8)))
        request.body = .bytes(ByteBuffer(string: body))
        var status: Int?
        var failure: String?
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(configuration.timeout.seconds * 1000)))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            status = Int(response.status.code)
        } catch {
            failure = Self.describe(error)
        }
        let elapsed = ContinuousClock.now - clock
        return WebhookAttempt(
            number: number, at: started, url: url, httpStatus: status, error: failure,
            durationMs: Int64(elapsed.seconds * 1000))
    }

    func retryDelay(after attempts: Int) -> TimeInterval {
        min(configuration.retryBase.seconds * pow(2, Double(max(0, attempts - 1))), configuration.maximumDelay.seconds)
    }

    /// A short, secret-free description of a delivery failure.
    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout { return "timeout" }
            if error == .connectTimeout { return "connect timeout" }
            if error == .remoteConnectionClosed { return "connection closed" }
            return "http client error: \(error)"
        }
        if error is NIOConnectionError { return "connection refused" }
        // NIOCore's own ChannelError (nameable here since ChannelKit 2.0 renamed its error type): the endpoint
        // closed the connection, or the client could not use it.
        if let error = error as? ChannelError {
            if case .connectTimeout = error { return "connect timeout" }
            return "connection closed (\(error))"
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            // A kept-alive connection the endpoint closed as it went down.
            case ECONNRESET, EPIPE: return "connection reset"
            default: return "i/o error (errno \(error.errnoCode))"
            }
        }
        return "\(type(of: error))"
    }
}
