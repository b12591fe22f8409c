import Foundation
import Testing

@testable import GatewayHost

/// How many durable writes a payment costs, counted by the real gateway itself
/// (`gateway_ledger_write_transactions_total{origin, operation}` on `/metrics`, one per write transaction a store
/// runs) with merchant authentication, daily limits on the channel and the merchant, a webhook endpoint that
/// answers 200 and the bank's notification of every payment — on SQLite and on PostgreSQL.
///
/// The request path of a new payment the bank answers at once is held to **two** write transactions: the
/// payment's insert (which also records the request's nonce and reserves the limits) before the bank call, the
/// outcome (with its transition and outbox row) after it. A refund is held to two as well. The webhook
/// dispatcher's own writes per delivered event (its claim and the attempt) are counted and held to two; the
/// bank's notification writes at most once (only when it read the payment before its answer was stored).
@Suite("Write transactions per payment: two on the request path, counted by the gateway")
struct WriteTransactionCountTests {
    static let metric = "gateway_ledger_write_transactions_total"

    /// The counter's samples by (origin, operation).
    static func writes(_ text: String) -> [String: [String: Double]] {
        var result: [String: [String: Double]] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(metric + "{") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            func label(_ key: String) -> String? {
                guard let range = line.range(of: "\(key)=\"") else { return nil }
                return String(line[range.upperBound...].prefix { $0 != "\"" })
            }
            guard let origin = label("origin"), let operation = label("operation") else { continue }
            result[origin, default: [:]][operation, default: 0] += value
        }
        return result
    }

    /// What changed between two scrapes, by origin then operation (zeros left out).
    static func difference(_ after: [String: [String: Double]], _ before: [String: [String: Double]]) -> [String: [String: Int]] {
        var result: [String: [String: Int]] = [:]
        for (origin, operations) in after {
            for (operation, value) in operations {
                let grown = Int(value - (before[origin]?[operation] ?? 0))
                if grown != 0 { result[origin, default: [:]][operation] = grown }
            }
        }
        return result
    }

    enum Store: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    @Test("a new payment answered at once: 2 writes on its request path (insert with nonce, outcome), a refund 2, the webhook 2, the notification at most 1", arguments: Store.allCases)
    func perPayment(_ store: Store) async throws {
        let webhooks = ["--webhook-retry-base-ms", "300", "--webhook-timeout-ms", "15000"]
        guard store == .postgres else { return try await run(gatewayArguments: webhooks) }
        let database = try await PostgresTestServer.createDatabase()
        let url = "postgres://\(database.username)@\(database.host):\(database.port)/\(database.database)"
        do {
            try await run(gatewayArguments: webhooks + ["--database-url", url])
        } catch {
            try? await PostgresTestServer.dropDatabase(database.database)
            throw error
        }
        try await PostgresTestServer.dropDatabase(database.database)
    }

    private func run(gatewayArguments: [String]) async throws {
        let receiver = try await WebhookReceiver.start(plan: .always(200))
        do {
            try await run(receiver, gatewayArguments: gatewayArguments)
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    private func run(_ receiver: WebhookReceiver, gatewayArguments: [String]) async throws {
        try await JiangnanStack.with(
            "write-count", gatewayArguments: gatewayArguments, merchantNotifyURLs: ["m1": receiver.url()]
        ) { stack in
            // The benchmark's setting: a daily amount cap and a daily count cap on the channel and on the merchant.
            let config = stack.configDirectory.appendingPathComponent("jiangnan.yaml")
            try config.write(
                text: JiangnanStack.jiangnanConfig(id: "jiangnan", endpoint: stack.simulator.baseURL)
                    + "limits:\n  daily_amount: 100000000\n  daily_count: 100000\n  time_zone: Asia/Shanghai\n"
                    + "  merchants:\n    m1: {daily_amount: 50000000, daily_count: 50000}\n")
            let reload = try await TestHTTP.send("POST", stack.gateway.admin("/admin/config/reload"), body: Data(), headers: stack.gateway.adminHeaders)
            #expect(reload.status == 200, "\(reload.text)")
            func limitRows() async throws -> [[String: Any]] {
                let text = try await TestHTTP.get(stack.gateway.admin("/admin/limits"), headers: stack.gateway.adminHeaders).body
                return (try JSONSerialization.jsonObject(with: text) as? [String: Any])?["limits"] as? [[String: Any]] ?? []
            }
            func used(_ scope: String) async throws -> Int? {
                (try await limitRows().first { $0["channel"] as? String == "jiangnan" && $0["scope"] as? String == scope }?["used_count"]
                    as? NSNumber)?.intValue
            }
            let rows = try await limitRows()
            #expect(try await used("channel") == 0, "the channel's caps are in force: \(rows)")
            #expect(try await used("merchant_channel") == 0, "the merchant's caps are in force: \(rows)")

            /// One payment, settled everywhere: answered, its webhook delivered, the bank's notification answered.
            func pay(_ order: String) async throws -> (id: String, requestPath: [String: [String: Int]]) {
                let before = Self.writes(try await metrics(stack))
                let paid = try await stack.pay([
                    "merchant_order_id": order, "amount": 1234, "currency": "CNY", "subject": "Tea", "channel": "jiangnan",
                ])
                let after = Self.writes(try await metrics(stack))
                #expect(paid.status == 201, "\(paid.text)")
                #expect(paid.string("status") == "succeeded", "answered at once: \(paid.text)")
                return (try #require(paid.string("id")), Self.difference(after, before))
            }
            func settle(_ id: String, webhooks: Int) async throws {
                try await eventually("the webhook of \(id) is delivered and the bank's notification answered") {
                    let delivered = receiver.received.filter { (200..<300).contains($0.answeredStatus) }.count >= webhooks
                    let notified = try await stack.bankRecord().notifications.contains { $0.id == id && $0.delivered }
                    return delivered && notified
                }
            }

            // A first payment warms every path up (connections, statements); its webhook and notification settle.
            let warm = try await pay("write-count-warm")
            try await settle(warm.id, webhooks: 1)
            try await Task.sleep(for: .milliseconds(500))
            let base = Self.writes(try await metrics(stack))

            let (paymentId, requestPath) = try await pay("write-count-\(UUID().uuidString.prefix(8))")
            #expect(
                requestPath["merchant_request"] == ["insertPayment": 1, "updatePayment": 1],
                "the request path of a new payment answered at once: \(requestPath)")
            #expect(requestPath["merchant_request"]?.values.reduce(0, +) == 2)
            try await settle(paymentId, webhooks: 2)
            try await Task.sleep(for: .milliseconds(500))
            let settled = Self.difference(Self.writes(try await metrics(stack)), base)
            // The webhook dispatcher: its claim of the event and the delivered attempt.
            #expect(settled["webhook"] == ["claimWebhook": 1, "recordWebhookAttempt": 1], "the webhook's writes: \(settled)")
            #expect(settled["recovery"] == nil, "nothing for recovery: \(settled)")
            // The bank notifies as it answers, so its notification races the pay answer's write: read before the
            // answer is stored, it tries the move in one write transaction, which finds the payment final (or makes
            // the move, if it came first; then the pay answer's update finds it final). Read after, it writes
            // nothing. Either way exactly one transition to succeeded.
            let history = try await TestHTTP.get(
                stack.gateway.merchant("/v1/payments/\(paymentId)/history"), headers: ["X-Merchant-Id": "m1"]).text
            let notificationWrites = settled["bank_notification"]?.values.reduce(0, +) ?? 0
            #expect(notificationWrites <= 1 && (settled["bank_notification"] ?? ["updatePayment": 1]) == ["updatePayment": 1], "\(settled)")
            #expect(history.components(separatedBy: "\"to\":\"succeeded\"").count == 2, "one move to succeeded: \(history)")
            print("write transactions of one payment: \(settled)")
            // Both payments hold their limits: reserved inside the insert transaction.
            let held = try await limitRows()
            #expect(try await used("channel") == 2, "\(held)")
            #expect(try await used("merchant_channel") == 2, "\(held)")

            // A refund answered at once: two as well.
            let before = Self.writes(try await metrics(stack))
            let refunded = try await TestHTTP.post(
                stack.gateway.merchant("/v1/payments/\(paymentId)/refunds"),
                body: JSONSerialization.data(withJSONObject: ["merchant_refund_id": "r-\(paymentId)", "amount": 200, "reason": "test"]),
                headers: ["X-Merchant-Id": "m1"])
            let after = Self.writes(try await metrics(stack))
            #expect(refunded.status == 201 && refunded.string("status") == "succeeded", "\(refunded.text)")
            #expect(
                Self.difference(after, before)["merchant_request"] == ["insertRefund": 1, "updateRefund": 1],
                "the request path of a refund: \(Self.difference(after, before))")

            // A request that inserts nothing keeps its own nonce write: a GET, and a replay of the payment.
            let beforeGet = Self.writes(try await metrics(stack))
            #expect(try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(paymentId)"), headers: ["X-Merchant-Id": "m1"]).status == 200)
            let afterGet = Self.writes(try await metrics(stack))
            #expect(Self.difference(afterGet, beforeGet)["merchant_request"] == ["registerNonce": 1])
            let replayed = try await stack.pay([
                "merchant_order_id": "write-count-warm", "amount": 1234, "currency": "CNY", "subject": "Tea", "channel": "jiangnan",
            ])
            #expect(replayed.status == 201 && replayed.header("Idempotent-Replayed") == "true" && replayed.string("id") == warm.id)
            #expect(Self.difference(Self.writes(try await metrics(stack)), afterGet)["merchant_request"] == ["registerNonce": 1])
        }
    }

    private func metrics(_ stack: JiangnanStack) async throws -> String {
        try await TestHTTP.get(stack.gateway.admin("/metrics"), headers: stack.gateway.adminHeaders).text
    }

    private func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("timed out waiting until \(what)")
    }
}
