import Foundation
import GRDB
import MerchantAuth
import Testing

/// Merchant webhooks end to end: the real gateway (its transactional outbox in real SQLite and its webhook
/// dispatcher), the real libJiangnan.so and simulator, and a real HTTP endpoint playing the merchant
/// (`WebhookReceiver`) that goes down, answers errors and comes back.
@Suite("Merchant webhooks")
struct WebhookTests {
    /// Fast retries for tests: 300 ms, 600 ms, 1.2 s, 2.4 s, … A short timeout keeps the claim lease of an
    /// attempt cut off by SIGKILL short (timeout + 5 s).
    /// Quick retries. The attempt timeout is generous: no test here waits for it (a down endpoint refuses or
    /// resets at once), and on a loaded 2-core machine a first attempt to a fresh endpoint took over 2 s, which
    /// turned one expected attempt into a timed-out one and a retry.
    static let fastRetries = ["--webhook-retry-base-ms", "300", "--webhook-timeout-ms", "15000"]
    static let retryBase = 0.3

    @Test("delivery survives a down endpoint and a SIGKILL of the gateway: growing delays, one 2xx, signed body")
    func survivesOutageAndCrash() async throws {
        try await withReceiver(plan: .always(503)) { receiver in
            try await JiangnanStack.with("webhook-crash", gatewayArguments: Self.fastRetries) { stack in
                await recordingLog(stack.gateway.readLog()) {
                    let paid = try await stack.pay([
                        "merchant_order_id": "wh-crash-\(UUID().uuidString.prefix(8))", "amount": 4321, "currency": "CNY",
                        "subject": "Tea", "channel": "jiangnan", "notify_url": receiver.url(),
                    ])
                    #expect(paid.status == 201, "\(paid.text)")
                    #expect(paid.string("status") == "succeeded")
                    let paymentId = try #require(paid.string("id"))
                    let events = "/v1/payments/\(paymentId)/events"

                    // The endpoint answers 503: the failed attempts are visible, the event stays pending.
                    let failing = try await waitForEvent(stack, events, "two failed attempts") { $0.attempts.count >= 2 }
                    #expect(failing.type == "payment.succeeded")
                    #expect(failing.state == "pending")
                    #expect(failing.url == receiver.url())
                    #expect(failing.next_attempt_at != nil)
                    #expect(failing.attempts.allSatisfy { $0.http_status == 503 }, "\(failing.attempts)")

                    // The endpoint goes away (port closed): an attempt without an answer, with its error.
                    await receiver.stop()
                    let down = try await waitForEvent(stack, events, "an attempt to the closed port") {
                        $0.attempts.contains { $0.http_status == nil }
                    }
                    #expect(down.state == "pending")

                    // SIGKILL: no clean shutdown. The outbox row carries the event (read directly while no gateway runs).
                    let status = await stack.gateway.process.killHard()
                    #expect(status == SIGKILL)
                    let stored = try await outboxRow(stack, eventId: down.id)
                    #expect(stored.state == "pending")
                    #expect(stored.attemptCount >= down.attempts.count)
                    #expect(stored.attemptCount == stored.attemptRows)
                    #expect(stored.nextAttemptAt != nil)
                    let attemptsBeforeKill = stored.attemptCount

                    // The endpoint comes back answering 200 on the same port; the gateway restarts on the same data.
                    try await receiver.restart(plan: .always(200))
                    try await stack.restartGateway(extraArguments: Self.fastRetries)
                    let delivered = try await waitForEvent(stack, events, "delivery after the restart", timeout: .seconds(40)) {
                        $0.state != "pending"
                    }
                    #expect(delivered.state == "delivered")
                    // Nothing is sent after the 2xx (the next retry would have been due well within this wait).
                    try await Task.sleep(for: .seconds(2))
                    let event = try #require(try await webhookEvents(stack, events).only)
                    let received = receiver.received

                    // Exactly one 2xx; the earlier answers the receiver gave were the failures the API shows.
                    #expect(received.filter { (200..<300).contains($0.answeredStatus) }.count == 1)
                    #expect(received.last?.answeredStatus == 200)
                    #expect(received.allSatisfy { $0.header(WebhookSignature.Header.eventId) == event.id })
                    #expect(received.allSatisfy { $0.method == "POST" && $0.target == "/webhooks" })
                    #expect(event.attempts.compactMap(\.http_status) == received.map(\.answeredStatus))

                    // The API shows every attempt, in order, numbered across the crash, with its status or error.
                    #expect(event.state == "delivered")
                    #expect(event.next_attempt_at == nil)
                    #expect(event.attempt_count == event.attempts.count)
                    #expect(event.attempts.map(\.number) == Array((0..<event.attempts.count).map { $0 + 1 }))
                    #expect(event.attempts.count > attemptsBeforeKill)
                    #expect(event.attempts.allSatisfy { $0.url == receiver.url() })
                    let last = try #require(event.attempts.last)
                    #expect(last.http_status == 200 && last.error == nil)
                    #expect(event.attempts.filter { $0.http_status == 503 }.count >= 2)
                    for attempt in event.attempts.dropLast() {
                        #expect(attempt.http_status.map { !(200..<300).contains($0) } ?? true, "\(attempt)")
                        if attempt.http_status == nil {
                            #expect(attempt.error?.isEmpty == false, "an attempt without an answer says why: \(attempt)")
                        }
                    }
                    // The attempts that found the port closed are the ones before the crash that got no answer.
                    // Their error says what happened: "connection refused" for a closed port, or — when the
                    // attempt reused a kept-alive connection the endpoint dropped as it went down — "connection
                    // reset" / "connection closed (…)". Never a bare type name or errno.
                    let unanswered = event.attempts.filter { $0.http_status == nil }
                    #expect(!unanswered.isEmpty)
                    #expect(
                        unanswered.allSatisfy { attempt in
                            ["connection refused", "connection reset", "connection closed"].contains {
                                attempt.error?.hasPrefix($0) == true
                            }
                        },
                        "a closed port is reported as a refused, reset or closed connection: \(unanswered)")
                    #expect(unanswered.allSatisfy { $0.number <= attemptsBeforeKill }, "\(unanswered)")
                    // Numbering continues after the crash: the first attempt of the new process is the next number.
                    if event.attempts.count > attemptsBeforeKill {
                        #expect(event.attempts[attemptsBeforeKill].number == attemptsBeforeKill + 1)
                    }

                    // Delays grow exponentially: the next attempt is due base·2^(n-1) after the previous one ended
                    // (its start plus its duration), so each gap from that end is at least the scheduled delay; gaps
                    // of one process run are at most that plus slack (poll interval, load); the crash gap only has the
                    // floor. (From the end, not the start: how long an attempt itself takes is the endpoint's and the
                    // machine's, not the backoff's — a first request that waited 8 s for a loaded receiver is no
                    // late retry.)
                    let starts = try event.attempts.map { try timestamp($0.at) }
                    var gaps: [TimeInterval] = []
                    for index in 1..<starts.count {
                        let previous = event.attempts[index - 1]
                        let ended = starts[index - 1].addingTimeInterval(Double(previous.duration_ms) / 1000)
                        let gap = starts[index].timeIntervalSince(ended)
                        let scheduled = Self.retryBase * pow(2, Double(index - 1))
                        let context = "gap after attempt \(index) (which took \(previous.duration_ms) ms): \(gap) s, scheduled \(scheduled) s"
                        #expect(gap >= scheduled - 0.01, "\(context)")
                        if index < attemptsBeforeKill {
                            #expect(gap <= scheduled + 8, "\(context)")
                            gaps.append(gap)
                        }
                    }
                    #expect(gaps.count >= 2, "\(gaps)")
                    // (The lower bounds above are the backoff; the exact gaps also carry polling and load jitter.)

                    // Every request carried a valid signature over the received timestamp and body; the body is the
                    // payment, and it is the same payload on every attempt, the crash notwithstanding.
                    for request in received {
                        try expectSigned(request, merchant: "m1")
                    }
                    #expect(Set(received.map(\.body)).count == 1)
                    let body = try #require(received.last).json
                    #expect(body["id"] as? String == event.id)
                    #expect(body["object"] as? String == "event")
                    #expect(body["type"] as? String == "payment.succeeded")
                    #expect(body["created_at"] is String)
                    let data = try #require(body["data"] as? [String: Any])
                    #expect(data["id"] as? String == paymentId)
                    #expect(data["object"] as? String == "payment")
                    #expect(data["status"] as? String == "succeeded")
                    #expect(data["amount"] as? Int == 4321)
                    #expect(data["notify_url"] as? String == receiver.url())
                }
            }
        }
    }

    @Test("a refund announces refund.succeeded; a declined payment payment.declined; a pending one only once final")
    func refundAndDecline() async throws {
        try await withReceiver(plan: .always(200)) { receiver in
            // A generous timeout: on a loaded machine a 2 s one can expire while the receiver answers, and the
            // (correct) retry would make "one attempt each" untrue.
            // The pending payment stays PROCESSING at the bank for 6 s, so that "no event before a final state" is
            // checked while it really is pending, however slow the machine.
            try await JiangnanStack.with(
                "webhook-refund", simulatorArguments: ["--processing-delay-ms", "6000"],
                gatewayArguments: ["--webhook-retry-base-ms", "300", "--webhook-timeout-ms", "15000"]
            ) { stack in
                await recordingLog(stack.gateway.readLog()) {
                    let paid = try await stack.pay([
                        "merchant_order_id": "wh-ref-\(UUID().uuidString.prefix(8))", "amount": 5000, "currency": "CNY",
                        "subject": "Teapot", "channel": "jiangnan", "notify_url": receiver.url(),
                    ])
                    #expect(paid.string("status") == "succeeded", "\(paid.text)")
                    let paymentId = try #require(paid.string("id"))
                    let refund = try await TestHTTP.post(
                        stack.gateway.merchant("/v1/payments/\(paymentId)/refunds"),
                        body: JSONSerialization.data(withJSONObject: [
                            "merchant_refund_id": "wh-r-\(UUID().uuidString.prefix(8))", "amount": 1200, "reason": "chipped lid",
                        ]),
                        headers: ["X-Merchant-Id": "m1"])
                    #expect(refund.status == 201, "\(refund.text)")
                    #expect(refund.string("status") == "succeeded")
                    let refundId = try #require(refund.string("id"))
                    let declined = try await stack.pay([
                        "merchant_order_id": "wh-dec-\(UUID().uuidString.prefix(8))", "amount": 700, "currency": "CNY",
                        "subject": "Gift [sim:insufficient-funds]", "channel": "jiangnan", "notify_url": receiver.url("/declines"),
                    ])
                    #expect(declined.string("status") == "declined", "\(declined.text)")
                    let declinedId = try #require(declined.string("id"))
                    // Pending first (the bank says PROCESSING), final later through the bank's notification or a query.
                    let later = try await stack.pay([
                        "merchant_order_id": "wh-late-\(UUID().uuidString.prefix(8))", "amount": 800, "currency": "CNY",
                        "subject": "Wait [sim:processing]", "channel": "jiangnan", "notify_url": receiver.url("/late"),
                    ])
                    #expect(later.string("status") == "pending", "\(later.text)")
                    let laterId = try #require(later.string("id"))
                    #expect(try await webhookEvents(stack, "/v1/payments/\(laterId)/events").isEmpty, "no event before a final state")

                    let paymentEvent = try await waitForEvent(stack, "/v1/payments/\(paymentId)/events", "payment event") {
                        $0.state != "pending"
                    }
                    let refundEvent = try await waitForEvent(stack, "/v1/refunds/\(refundId)/events", "refund event") {
                        $0.state != "pending"
                    }
                    let declineEvent = try await waitForEvent(stack, "/v1/payments/\(declinedId)/events", "decline event") {
                        $0.state != "pending"
                    }
                    let laterEvent = try await waitForEvent(
                        stack, "/v1/payments/\(laterId)/events", "the event of the payment that became final later",
                        timeout: .seconds(30)) { $0.state != "pending" }
                    let all = [
                        (paymentEvent, "payment.succeeded"), (refundEvent, "refund.succeeded"), (declineEvent, "payment.declined"),
                        (laterEvent, "payment.succeeded"),
                    ]
                    for (event, type) in all {
                        #expect(event.type == type)
                        #expect(event.state == "delivered", "\(event)")
                        #expect(event.attempt_count == 1 && event.attempts.count == 1, "\(event)")
                        #expect(event.attempts.first?.http_status == 200)
                    }
                    // The refund goes to the payment's notify URL; the refund added no event to the payment.
                    #expect(refundEvent.url == receiver.url())
                    #expect(refundEvent.attempts.first?.url == receiver.url())
                    #expect(declineEvent.attempts.first?.url == receiver.url("/declines"))
                    #expect(try await webhookEvents(stack, "/v1/payments/\(paymentId)/events").count == 1)

                    try await Task.sleep(for: .seconds(1))
                    let received = receiver.received
                    #expect(received.count == 4, "\(received.map(\.target))")
                    let byEvent = Dictionary(
                        received.map { ($0.header(WebhookSignature.Header.eventId) ?? "", $0) }, uniquingKeysWith: { first, _ in first })
                    #expect(Set(byEvent.keys) == [paymentEvent.id, refundEvent.id, declineEvent.id, laterEvent.id])
                    for request in received {
                        try expectSigned(request, merchant: "m1")
                    }

                    let refundBody = try #require(byEvent[refundEvent.id]).json
                    #expect(refundBody["type"] as? String == "refund.succeeded")
                    #expect(refundBody["id"] as? String == refundEvent.id)
                    let refundData = try #require(refundBody["data"] as? [String: Any])
                    #expect(refundData["object"] as? String == "refund")
                    #expect(refundData["id"] as? String == refundId)
                    #expect(refundData["payment_id"] as? String == paymentId)
                    #expect(refundData["status"] as? String == "succeeded")
                    #expect(refundData["amount"] as? Int == 1200)

                    let declineRequest = try #require(byEvent[declineEvent.id])
                    #expect(declineRequest.target == "/declines")
                    let declineBody = declineRequest.json
                    #expect(declineBody["type"] as? String == "payment.declined")
                    let declineData = try #require(declineBody["data"] as? [String: Any])
                    #expect(declineData["id"] as? String == declinedId)
                    #expect(declineData["status"] as? String == "declined")
                    #expect(declineData["bank_code"] as? String == "2001")
                    #expect(declineData["decline_code"] as? String == "bank_declined")

                    let laterRequest = try #require(byEvent[laterEvent.id])
                    #expect(laterRequest.target == "/late")
                    let laterData = try #require(laterRequest.json["data"] as? [String: Any])
                    #expect(laterData["id"] as? String == laterId)
                    #expect(laterData["status"] as? String == "succeeded")

                    let paymentBody = try #require(byEvent[paymentEvent.id]).json
                    #expect(paymentBody["type"] as? String == "payment.succeeded")
                    let paymentData = try #require(paymentBody["data"] as? [String: Any])
                    #expect(paymentData["id"] as? String == paymentId)
                    // The payment as its success left it (the refund came after), as the pay answer showed it.
                    #expect(paymentData["refunded_amount"] as? Int == 0, "\(paymentData)")
                    #expect(paymentData["updated_at"] as? String == paid.string("updated_at"), "\(paymentData)")
                    #expect(paymentData["status"] as? String == "succeeded")

                    // The three payment bodies were rendered from the rows their outcome updates returned, with no
                    // read of the ledger; the refund's was read and rendered at its first attempt.
                    let metrics = try await TestHTTP.get(stack.gateway.admin("/metrics"), headers: stack.gateway.adminHeaders).text
                    let bodies = metrics.split(separator: "\n").filter { $0.hasPrefix("gateway_webhook_bodies_total") }
                    #expect(bodies.contains(#"gateway_webhook_bodies_total{source="outcome"} 3"#), "\(bodies)")
                    #expect(bodies.contains(#"gateway_webhook_bodies_total{source="ledger"} 1"#), "\(bodies)")
                }
            }
        }
    }

    @Test("an endpoint that always fails is given up after --webhook-max-attempts, with no further attempt")
    func givesUp() async throws {
        try await withReceiver(plan: .always(500)) { receiver in
            try await JiangnanStack.with(
                "webhook-give-up", gatewayArguments: Self.fastRetries + ["--webhook-max-attempts", "3"]
            ) { stack in
                await recordingLog(stack.gateway.readLog()) {
                    let paid = try await stack.pay([
                        "merchant_order_id": "wh-fail-\(UUID().uuidString.prefix(8))", "amount": 900, "currency": "CNY",
                        "subject": "Tea", "channel": "jiangnan", "notify_url": receiver.url(),
                    ])
                    #expect(paid.string("status") == "succeeded", "\(paid.text)")
                    let paymentId = try #require(paid.string("id"))
                    let events = "/v1/payments/\(paymentId)/events"
                    let failed = try await waitForEvent(stack, events, "the event given up") { $0.state != "pending" }
                    #expect(failed.state == "failed")
                    #expect(failed.next_attempt_at == nil)
                    // A fourth attempt would be due 1.2 s after the third: wait well past that.
                    try await Task.sleep(for: .seconds(3))
                    let event = try #require(try await webhookEvents(stack, events).only)
                    #expect(event.state == "failed")
                    #expect(event.attempt_count == 3)
                    #expect(event.attempts.map(\.number) == [1, 2, 3])
                    #expect(event.attempts.map(\.http_status) == [500, 500, 500])
                    #expect(receiver.received.count == 3)
                    #expect(receiver.received.allSatisfy { $0.answeredStatus == 500 })
                }
            }
        }
    }

    @Test("no notify_url and no merchant default → no_endpoint, nothing sent; a merchant default or notify_url is used")
    func noEndpoint() async throws {
        try await withReceiver(plan: .always(200)) { receiver in
            try await JiangnanStack.with(
                "webhook-no-endpoint", gatewayArguments: Self.fastRetries, merchantNotifyURLs: ["m2": receiver.url("/default/m2")]
            ) { stack in
                await recordingLog(stack.gateway.readLog()) {
                    func pay(_ merchant: String, notifyURL: String?) async throws -> String {
                        var body: [String: Any] = [
                            "merchant_order_id": "wh-ne-\(UUID().uuidString.prefix(8))", "amount": 300, "currency": "CNY",
                            "subject": "Tea", "channel": "jiangnan",
                        ]
                        body["notify_url"] = notifyURL
                        let paid = try await stack.pay(body, merchant: merchant)
                        #expect(paid.string("status") == "succeeded", "\(paid.text)")
                        return try #require(paid.string("id"))
                    }
                    // m1 has no default and the payment names no URL.
                    let lonely = try await pay("m1", notifyURL: nil)
                    // m2 has a default: used when the payment names none, overridden when it does.
                    let byDefault = try await pay("m2", notifyURL: nil)
                    let explicit = try await pay("m2", notifyURL: receiver.url("/explicit/m2"))

                    let none = try await waitForEvent(stack, "/v1/payments/\(lonely)/events", "the m1 event settled") {
                        $0.state != "pending"
                    }
                    let viaDefault = try await waitForEvent(
                        stack, "/v1/payments/\(byDefault)/events", "the m2 default event", merchant: "m2") { $0.state != "pending" }
                    let viaExplicit = try await waitForEvent(
                        stack, "/v1/payments/\(explicit)/events", "the m2 explicit event", merchant: "m2") { $0.state != "pending" }

                    #expect(none.state == "no_endpoint", "\(none)")
                    #expect(none.type == "payment.succeeded")
                    #expect(none.url == nil)
                    #expect(none.next_attempt_at == nil)
                    #expect(none.attempts.allSatisfy { $0.http_status == nil && $0.error?.isEmpty == false }, "\(none.attempts)")
                    #expect(viaDefault.state == "delivered")
                    #expect(viaDefault.attempts.map(\.url) == [receiver.url("/default/m2")])
                    #expect(viaExplicit.state == "delivered")
                    #expect(viaExplicit.attempts.map(\.url) == [receiver.url("/explicit/m2")])
                    // Events are the merchant's own: m1 cannot read m2's.
                    let foreign = try await TestHTTP.get(
                        stack.gateway.merchant("/v1/payments/\(byDefault)/events"), headers: ["X-Merchant-Id": "m1"])
                    #expect(foreign.status == 404)

                    // The receiver, live the whole time, got the two m2 events and nothing for m1; no_endpoint is not retried.
                    try await Task.sleep(for: .seconds(1.5))
                    let received = receiver.received
                    #expect(received.map(\.target).sorted() == ["/default/m2", "/explicit/m2"])
                    #expect(!received.contains { $0.header(WebhookSignature.Header.eventId) == none.id })
                    for request in received {
                        try expectSigned(request, merchant: "m2")
                    }
                    let later = try #require(try await webhookEvents(stack, "/v1/payments/\(lonely)/events").only)
                    #expect(later.state == "no_endpoint")
                    #expect(later.attempts.count == none.attempts.count)
                }
            }
        }
    }
}

// MARK: - Helpers

/// One event of `GET /v1/payments/{id}/events` (or a refund's).
private struct WebhookEventView: Decodable, CustomStringConvertible {
    struct Attempt: Decodable, CustomStringConvertible {
        var number: Int
        var at: String
        var url: String
        var http_status: Int?
        var error: String?
        var duration_ms: Int64

        var description: String { "#\(number) \(at) \(url) status=\(http_status.map(String.init) ?? "-") error=\(error ?? "-")" }
    }

    var id: String
    var object: String
    var type: String
    var state: String
    var url: String?
    var attempt_count: Int
    var next_attempt_at: String?
    var created_at: String
    var attempts: [Attempt]

    var description: String { "\(id) \(type) \(state) attempts=\(attempt_count) \(attempts)" }
}

private struct WebhookEventList: Decodable {
    var object: String
    var data: [WebhookEventView]
}

/// The outbox row of one event, read directly from the gateway's SQLite file.
private struct OutboxRow {
    var state: String
    var attemptCount: Int
    var nextAttemptAt: Int64?
    var attemptRows: Int
}

extension Array {
    /// The single element, or nil when there are none or several.
    fileprivate var only: Element? { count == 1 ? first : nil }
}

/// Starts a receiver, runs `body`, and stops the receiver whether `body` succeeded or threw.
private func withReceiver(plan: WebhookReceiver.Plan, _ body: (WebhookReceiver) async throws -> Void) async throws {
    let receiver = try await WebhookReceiver.start(plan: plan)
    do {
        try await body(receiver)
    } catch {
        await receiver.stop()
        throw error
    }
    await receiver.stop()
}

/// The events of a payment or refund (`path` is `/v1/payments/{id}/events` or `/v1/refunds/{id}/events`).
private func webhookEvents(_ stack: JiangnanStack, _ path: String, merchant: String = "m1") async throws -> [WebhookEventView] {
    let response = try await TestHTTP.get(stack.gateway.merchant(path), headers: ["X-Merchant-Id": merchant])
    guard response.status == 200 else { throw HarnessError("GET \(path) answered \(response.status): \(response.text)") }
    let list = try response.decode(WebhookEventList.self)
    guard list.object == "list", list.data.allSatisfy({ $0.object == "event" }) else {
        throw HarnessError("GET \(path) is not a list of events: \(response.text)")
    }
    return list.data
}

/// Polls the events of `path` until there is exactly one event and it satisfies `condition`.
private func waitForEvent(
    _ stack: JiangnanStack, _ path: String, _ what: String, merchant: String = "m1", timeout: Duration = .seconds(20),
    _ condition: (WebhookEventView) -> Bool
) async throws -> WebhookEventView {
    let deadline = ContinuousClock.now + timeout
    var seen: [WebhookEventView] = []
    while ContinuousClock.now < deadline {
        seen = try await webhookEvents(stack, path, merchant: merchant)
        if let event = seen.only, condition(event) { return event }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw HarnessError("timed out after \(timeout) waiting for \(what); last seen: \(seen)")
}

/// Reads the event's outbox row and its stored attempts straight from `ledger.sqlite`.
private func outboxRow(_ stack: JiangnanStack, eventId: String) async throws -> OutboxRow {
    var configuration = Configuration()
    configuration.readonly = true
    let database = try DatabaseQueue(
        path: stack.dataDirectory.appendingPathComponent("ledger.sqlite").path, configuration: configuration)
    return try await database.read { db in
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT state, attempt_count, next_attempt_at FROM webhook_events WHERE id = ?", arguments: [eventId])
        else { throw HarnessError("no outbox row for \(eventId)") }
        let attempts = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM webhook_attempts WHERE event_id = ?", arguments: [eventId]) ?? 0
        return OutboxRow(
            state: row["state"], attemptCount: row["attempt_count"], nextAttemptAt: row["next_attempt_at"], attemptRows: attempts)
    }
}

/// Checks a received webhook the way a merchant would: the signature is HMAC-SHA256 with the merchant's secret
/// over the received timestamp, ".", and the received body, and the timestamp is current.
private func expectSigned(_ request: WebhookReceiver.Received, merchant: String) throws {
    let secret = try #require(TestMerchants.secrets[merchant])
    let timestamp = try #require(request.header(WebhookSignature.Header.timestamp), "no timestamp header")
    let signature = try #require(request.header(WebhookSignature.Header.signature), "no signature header")
    #expect(signature == WebhookSignature.sign(secret: secret, timestamp: timestamp, body: request.body))
    #expect(signature.allSatisfy { "0123456789abcdef".contains($0) } && signature.count == 64)
    let sentMs = try #require(Int64(timestamp), "timestamp \(timestamp) is not Unix ms")
    let receivedMs = Int64(request.receivedAt.timeIntervalSince1970 * 1000)
    #expect(abs(receivedMs - sentMs) < 30_000, "timestamp \(timestamp) vs received at \(receivedMs)")
    #expect(request.header("Content-Type")?.hasPrefix("application/json") == true)
}

/// Parses the API's RFC 3339 timestamps (UTC, milliseconds).
private func timestamp(_ text: String) throws -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    guard let date = formatter.date(from: text) else { throw HarnessError("not an RFC 3339 timestamp: \(text)") }
    return date
}
