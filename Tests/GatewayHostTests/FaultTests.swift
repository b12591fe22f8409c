import Foundation
import Testing

/// Bank faults against the real gateway, plugin and simulator: what reached the bank is never declined but
/// pending until the recovery worker's query resolves it; what never left the gateway is declined as not
/// processed; an open payment past the alert age is flagged for ops (API field and metric).
///
/// The bank's notifications go to the discard port here, so only a recovery query can resolve anything.
@Suite("Bank faults: refused, timeout, 5xx, reset, malformed, bad signature, overdue")
struct FaultTests {
    static let m1 = ["X-Merchant-Id": "m1"]
    static let discard = "http://127.0.0.1:9"
    static let fastRecovery = ["--recovery-schedule", "0.2,0.5,1"]

    @Test("connection refused: declined, reason not_sent, decline_code channel_unreachable, in the history")
    func connectionRefused() async throws {
        // A second bank that answers the channel's start-up self-check and then goes away: its port is closed
        // when the payment is made, so the connection is refused and nothing reaches any bank.
        let bankDirectory = try TestDirectory("fault-refused-bank")
        let goneBank = try await SimulatorProcess.start(in: bankDirectory)
        let config = JiangnanStack.jiangnanConfig(id: "jiangnan-gone", endpoint: goneBank.baseURL)
        do {
            try await JiangnanStack.with(
                "fault-refused", gatewayArguments: Self.fastRecovery, extraConfigs: ["jiangnan-gone.yaml": config],
                publicURL: Self.discard
            ) { stack in
                await recordingLog(stack.gateway.readLog()) {
                    await goneBank.terminate()
                    #expect(!Self.acceptsConnections(port: goneBank.baseURL.port ?? 0), "the gone bank's port still accepts connections")
                    let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
                    let paid = try await stack.pay([
                        "merchant_order_id": "refused-\(UUID().uuidString.prefix(8))", "amount": 510, "currency": "CNY",
                        "subject": "Tea", "channel": "jiangnan-gone",
                    ])
                    #expect(paid.status == 201, "\(paid.text)")
                    #expect(paid.string("status") == "declined", "\(paid.text)")
                    #expect(paid.json["not_processed"] as? Bool == true, "\(paid.text)")
                    #expect(paid.string("decline_code") == "channel_unreachable", "\(paid.text)")
                    #expect(paid.string("decline_reason") == "not_sent", "\(paid.text)")
                    #expect(paid.json["pending_cause"] == nil || paid.json["pending_cause"] is NSNull, "\(paid.text)")
                    let id = try #require(paid.string("id"))

                    let shown = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(id)"), headers: Self.m1)
                    #expect(shown.string("status") == "declined" && shown.string("decline_code") == "channel_unreachable", "\(shown.text)")
                    let history = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(id)/history"), headers: Self.m1)
                    let entries = history.json["data"] as? [[String: Any]] ?? []
                    #expect(entries.count == 2, "\(history.text)")
                    #expect(entries.first?["cause"] as? String == "accepted", "\(history.text)")
                    #expect(entries.last?["from"] as? String == "processing", "\(history.text)")
                    #expect(entries.last?["to"] as? String == "declined", "\(history.text)")
                    #expect(entries.last?["outcome_reason"] as? String == "not_sent", "\(history.text)")

                    let transitions = try await ledger.transitions(of: id)
                    #expect(transitions.map(\.to) == ["processing", "declined"], "\(transitions)")
                    #expect(try await ledger.paymentStatus(id) == "declined")
                    #expect(try await ledger.payment(id, column: "not_processed") == "1")
                    #expect(try await ledger.payment(id, column: "outcome_reason") == "not_sent")
                    // The working bank heard nothing of it either.
                    #expect(try await stack.bankRecord().requests.allSatisfy { $0.out_trade_no != id })
                }
            }
        } catch {
            await goneBank.terminate()
            throw error
        }
    }

    @Test("a bank timeout is pending, not declined, and the recovery worker resolves it")
    func timeoutThenRecovery() async throws {
        try await JiangnanStack.with(
            "fault-timeout", simulatorArguments: ["--timeout-delay-ms", "8000"], gatewayArguments: Self.fastRecovery,
            requestTimeoutMs: 1000, publicURL: Self.discard
        ) { stack in
            await recordingLog(stack.gateway.readLog()) {
                let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
                let started = ContinuousClock.now
                let paid = try await stack.pay([
                    "merchant_order_id": "timeout-\(UUID().uuidString.prefix(8))", "amount": 720, "currency": "CNY",
                    "subject": "Tea [sim:timeout]", "channel": "jiangnan",
                ])
                let waited = ContinuousClock.now - started
                #expect(paid.status == 201, "\(paid.text)")
                #expect(paid.string("status") == "pending", "a timeout is never a decline: \(paid.text)")
                #expect(paid.json["not_processed"] as? Bool == false, "\(paid.text)")
                #expect(paid.string("pending_cause") == "timeout", "\(paid.text)")
                // The bank answers after 8 s; the gateway's 1 s deadline must end the call long before (the margin
                // is for a loaded machine).
                #expect(waited < .seconds(6), "the gateway waited for the bank's late answer (\(waited))")
                let id = try #require(paid.string("id"))
                try await Self.expectResolvedByRecovery(id, stack: stack, ledger: ledger, fault: "timeout")
            }
        }
    }

    @Test("5xx, connection reset, malformed and badly signed answers are pending, then resolved; one charge each")
    func ambiguousAnswers() async throws {
        try await JiangnanStack.with(
            "fault-ambiguous", gatewayArguments: Self.fastRecovery, publicURL: Self.discard
        ) { stack in
            await recordingLog(stack.gateway.readLog()) {
                let ledger = try LedgerReader(dataDirectory: stack.dataDirectory)
                var paid: [(fault: String, id: String)] = []
                let causes = ["5xx": "server_error", "reset": "connection_lost", "malformed": "unverifiable", "bad-signature": "unverifiable"]
                for fault in ["5xx", "reset", "malformed", "bad-signature"] {
                    let answer = try await stack.pay([
                        "merchant_order_id": "\(fault)-\(UUID().uuidString.prefix(8))", "amount": 730, "currency": "CNY",
                        "subject": "Tea [sim:\(fault)]", "channel": "jiangnan",
                    ])
                    #expect(answer.status == 201, "\(fault): \(answer.text)")
                    #expect(answer.string("status") == "pending", "\(fault) must be pending, never guessed: \(answer.text)")
                    #expect(answer.json["not_processed"] as? Bool == false, "\(fault): \(answer.text)")
                    #expect(answer.string("pending_cause") == causes[fault], "\(fault): \(answer.text)")
                    paid.append((fault, try #require(answer.string("id"), "\(fault): \(answer.text)")))
                }
                for (fault, id) in paid {
                    try await Self.expectResolvedByRecovery(id, stack: stack, ledger: ledger, fault: fault)
                }
            }
        }
    }

    @Test("a payment open past --pending-alert-after is flagged (needs_attention, overdue gauge) until resolved")
    func overduePaymentIsFlagged() async throws {
        try await JiangnanStack.with(
            "fault-overdue", gatewayArguments: Self.fastRecovery + ["--pending-alert-after", "1"], publicURL: Self.discard
        ) { stack in
            await recordingLog(stack.gateway.readLog()) {
                // Queries fail at the bank, so the worker cannot resolve the payment yet.
                try await Self.setQueryUnavailable(true, stack: stack)
                let paid = try await stack.pay([
                    "merchant_order_id": "overdue-\(UUID().uuidString.prefix(8))", "amount": 740, "currency": "CNY",
                    "subject": "Tea [sim:5xx]", "channel": "jiangnan",
                ])
                #expect(paid.string("status") == "pending", "\(paid.text)")
                #expect(paid.json["needs_attention"] as? Bool == false, "a new payment is not overdue: \(paid.text)")
                let id = try #require(paid.string("id"))
                let url = stack.gateway.merchant("/v1/payments/\(id)")

                try await Task.sleep(for: .milliseconds(1500))
                let overdue = try await TestHTTP.get(url, headers: Self.m1)
                #expect(overdue.string("status") == "pending", "\(overdue.text)")
                #expect(overdue.json["needs_attention"] as? Bool == true, "\(overdue.text)")
                let flagged = try await Self.overdueGauge(stack) { $0 >= 1 }
                #expect((flagged ?? 0) >= 1, "gateway_open_transactions_overdue is \(flagged.map { "\($0)" } ?? "absent") after 12 s")

                // The bank answers queries again: resolved, no longer flagged, and the gauge drops.
                try await Self.setQueryUnavailable(false, stack: stack)
                let final = try await MerchantAPI.waitUntilFinal(url)
                #expect(final.status == "succeeded")
                let resolved = try await TestHTTP.get(url, headers: Self.m1)
                #expect(resolved.json["needs_attention"] as? Bool == false, "\(resolved.text)")
                let cleared = try await Self.overdueGauge(stack) { $0 == 0 }
                #expect(cleared == 0, "gateway_open_transactions_overdue is \(cleared.map { "\($0)" } ?? "absent") after 12 s")
                #expect(try await stack.bankRecord().payments.filter { $0.out_trade_no == id }.count == 1)
            }
        }
    }

    @Test("with the recovery worker off, a payment open past --pending-alert-after is still flagged for ops")
    func overdueFlaggedWithoutRecovery() async throws {
        // Without queries only a notification could resolve the payment, so the ops alarm matters most here.
        try await JiangnanStack.with(
            "fault-overdue-norecovery", gatewayArguments: ["--no-recovery", "--pending-alert-after", "1"],
            publicURL: Self.discard
        ) { stack in
            await recordingLog(stack.gateway.readLog()) {
                let paid = try await stack.pay([
                    "merchant_order_id": "overdue-nr-\(UUID().uuidString.prefix(8))", "amount": 750, "currency": "CNY",
                    "subject": "Tea [sim:5xx]", "channel": "jiangnan",
                ])
                #expect(paid.string("status") == "pending", "\(paid.text)")
                let id = try #require(paid.string("id"))
                try await Task.sleep(for: .milliseconds(1500))
                let overdue = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(id)"), headers: Self.m1)
                #expect(overdue.string("status") == "pending", "\(overdue.text)")
                #expect(overdue.json["needs_attention"] as? Bool == true, "\(overdue.text)")
                let flagged = try await Self.overdueGauge(stack) { $0 >= 1 }
                #expect(
                    (flagged ?? 0) >= 1,
                    "gateway_open_transactions_overdue is \(flagged.map { "\($0)" } ?? "absent from /metrics") after 12 s with --no-recovery")
            }
        }
    }

    // MARK: helpers

    /// Waits until the payment is final through the API; then checks it succeeded through a recovery query
    /// (history and ledger), and that the bank holds exactly one charge and received exactly one pay request.
    static func expectResolvedByRecovery(
        _ id: String, stack: JiangnanStack, ledger: LedgerReader, fault: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let final = try await MerchantAPI.waitUntilFinal(stack.gateway.merchant("/v1/payments/\(id)"))
        #expect(final.status == "succeeded", "\(fault): \(final.status)", sourceLocation: sourceLocation)
        let history = try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(id)/history"), headers: m1)
        let entries = history.json["data"] as? [[String: Any]] ?? []
        #expect(
            entries.map { "\($0["from"] as? String ?? "nil")→\($0["to"] as? String ?? "?")" }
                == ["created→processing", "processing→pending", "pending→succeeded"],
            "\(fault): \(history.text)", sourceLocation: sourceLocation)
        #expect(entries.last?["cause"] as? String == "recovery query", "\(fault): \(history.text)", sourceLocation: sourceLocation)
        let stored = try await ledger.transitions(of: id)
        #expect(stored.map(\.to) == ["processing", "pending", "succeeded"], "\(fault): \(stored)", sourceLocation: sourceLocation)
        #expect(try await ledger.paymentStatus(id) == "succeeded", "\(fault)", sourceLocation: sourceLocation)
        let record = try await stack.bankRecord()
        let charges = record.payments.filter { $0.out_trade_no == id }
        #expect(charges.count == 1 && charges.first?.status == "SUCCESS", "\(fault): \(charges)", sourceLocation: sourceLocation)
        let payRequests = record.requests.filter { $0.target == "/api/v1/pay" && $0.out_trade_no == id }
        #expect(payRequests.count == 1, "\(fault): the pay request was sent \(payRequests.count) times", sourceLocation: sourceLocation)
    }

    /// `PUT /_sim/faults {"query_unavailable": on}`.
    @Test("a bank that is down while the gateway starts: the channel is unavailable, then ready once the bank answers")
    func channelRecoversAfterStartupOutage() async throws {
        try await JiangnanStack.with("fault-startup-outage", publicURL: Self.discard) { stack in
            // The self-check is a signed query; the bank answers no queries while the gateway restarts.
            try await Self.setQueryUnavailable(true, stack: stack)
            try await stack.restartGateway()
            let state = { () async throws -> String? in
                let view = try await TestHTTP.get(stack.gateway.admin("/admin/channels"), headers: stack.gateway.adminHeaders)
                return ((view.json["channels"] as? [[String: Any]])?.first { $0["id"] as? String == "jiangnan" })?["state"] as? String
            }
            #expect(try await state() == "misconfigured")
            let refused = try await stack.pay([
                "merchant_order_id": "outage-\(UUID().uuidString.prefix(8))", "amount": 100, "currency": "CNY",
                "subject": "Tea", "channel": "jiangnan",
            ])
            #expect(refused.status == 503 && refused.errorCode == "channel_unavailable", "\(refused.text)")

            // The bank is back: the repeated self-check (5 s, then doubling) makes the channel ready, no restart.
            try await Self.setQueryUnavailable(false, stack: stack)
            let deadline = ContinuousClock.now + .seconds(20)
            var current = try await state()
            while current != "ready", ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
                current = try await state()
            }
            #expect(current == "ready")
            let paid = try await stack.pay([
                "merchant_order_id": "outage-\(UUID().uuidString.prefix(8))", "amount": 100, "currency": "CNY",
                "subject": "Tea", "channel": "jiangnan",
            ])
            #expect(paid.status == 201 && paid.string("status") == "succeeded", "\(paid.text)")
        }
    }

    static func setQueryUnavailable(_ on: Bool, stack: JiangnanStack) async throws {
        let answer = try await TestHTTP.send(
            "PUT", URL(string: stack.simulator.baseURL.absoluteString + "/_sim/faults")!,
            body: Data(#"{"query_unavailable":\#(on)}"#.utf8), headers: [:])
        guard answer.status == 200, answer.json["query_unavailable"] as? Bool == on else {
            throw HarnessError("the simulator did not switch query_unavailable to \(on): \(answer.status) \(answer.text)")
        }
    }

    /// Polls `gateway_open_transactions_overdue` (refreshed every 5 s) until `done` holds or 12 s pass; the
    /// last value read, nil while the gauge is absent.
    static func overdueGauge(_ stack: JiangnanStack, until done: (Double) -> Bool) async throws -> Double? {
        let deadline = ContinuousClock.now + .seconds(12)
        while true {
            let value = try await gauge("gateway_open_transactions_overdue", stack: stack)
            if let value, done(value) { return value }
            if ContinuousClock.now >= deadline { return value }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// The value of an unlabelled Prometheus gauge on the admin API's `/metrics`, nil when absent.
    static func gauge(_ name: String, stack: JiangnanStack) async throws -> Double? {
        let metrics = try await TestHTTP.get(stack.gateway.admin("/metrics"), headers: stack.gateway.adminHeaders)
        guard metrics.status == 200 else { throw HarnessError("GET /metrics answered \(metrics.status)") }
        for line in metrics.text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2 else { continue }
            let series = parts[0]
            if series == name || series.hasPrefix(name + "{") { return Double(parts[1]) }
        }
        return nil
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` (a plain connect, no retries).
    static func acceptsConnections(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }
}
