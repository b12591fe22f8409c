import Foundation
import GRDB
import Testing

/// 限额限次 through the real gateway, plugin and simulator: what releases a reservation and what keeps it.
@Suite("Limits: release on decline, pending holds until resolved, live config", .serialized)
struct LimitsTests {
    @Test("a decline releases at once; a pending payment holds its count (across a restart) until recovery declines it, then releases it; the cap applies live from the config file")
    func releaseAndHold() async throws {
        let recovery = ["--recovery-schedule", "0.3,0.6,1", "--recovery-poll-ms", "100"]
        try await JiangnanStack.with("limits-release", gatewayArguments: recovery) { stack in
            // A daily count cap of 2 written into the running gateway's config: applied without a restart.
            try stack.configDirectory.appendingPathComponent("jiangnan.yaml").write(
                text: JiangnanStack.jiangnanConfig(id: "jiangnan", endpoint: stack.simulator.baseURL)
                    + "limits: {daily_count: 2, time_zone: Asia/Shanghai}\n")
            #expect(try await Self.eventually { try await Self.usage(stack)?.cap == 2 }, "the cap was not applied live")

            func pay(_ order: String, _ subject: String) async throws -> HTTPResult {
                try await stack.pay(["merchant_order_id": order, "amount": 500, "currency": "CNY", "subject": subject, "channel": "jiangnan"])
            }
            // Declined by the bank: nothing counts.
            let declined = try await pay("lim-a", "[sim:insufficient-funds]")
            #expect(declined.string("status") == "declined", "\(declined.text)")
            #expect(try await Self.usage(stack)?.used == 0)
            // Pending (the bank answered 503 before recording anything): it counts.
            let pending = try await pay("lim-b", "[sim:5xx-before]")
            #expect(pending.string("status") == "pending", "\(pending.text)")
            let pendingId = try #require(pending.string("id"))
            #expect(try await pay("lim-c", "tea").string("status") == "succeeded")
            #expect(try await Self.usage(stack)?.used == 2)
            let refused = try await pay("lim-d", "tea")
            #expect(refused.status == 422 && refused.text.contains(#""limit_exceeded""#) && refused.text.contains(#""daily_count""#), "\(refused.text)")
            // Still pending after recovery's queries (not found, but inside the bank's finality window): it holds.
            try await Task.sleep(for: .seconds(2))
            #expect(try await Self.usage(stack)?.used == 2)
            // The day's counters survive a restart: still full.
            try await stack.restartGateway(extraArguments: recovery)
            #expect(try await Self.usage(stack)?.used == 2)
            let refusedAgain = try await pay("lim-e", "tea")
            #expect(refusedAgain.status == 422 && refusedAgain.text.contains(#""daily_count""#), "\(refusedAgain.text)")

            // Past the bank's 360 s finality window (gateway and bank clocks together), recovery declines it.
            let shift = 400_000
            _ = try await TestHTTP.post(
                URL(string: stack.simulator.baseURL.absoluteString + "/_sim/clock")!, body: Data(#"{"offset_ms":\#(shift)}"#.utf8))
            try await stack.restartGateway(extraArguments: recovery + ["--clock-offset-ms=\(shift)", "--channel-clock-offset-ms=\(shift)"])
            #expect(
                try await Self.eventually(seconds: 30) {
                    try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(pendingId)"), headers: ["X-Merchant-Id": "m1"])
                        .string("status") == "declined"
                }, "recovery did not decline the pending payment")
            // Its reservation is released on the day it was made (read from the ledger, whatever day it is now).
            let reader = try DatabaseQueue(path: stack.dataDirectory.appendingPathComponent("ledger.sqlite").path)
            let (holds, counted) = try await reader.read { db -> (String?, Int) in
                let holds = try String.fetchOne(db, sql: "SELECT limit_holds FROM payments WHERE id = ?", arguments: [pendingId])
                let day = holds?.split(separator: "|").dropFirst().first.map(String.init) ?? ""
                let counted = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(count), 0) FROM limit_counters WHERE day = ?", arguments: [day]) ?? -1
                return (holds, counted)
            }
            #expect(holds?.hasPrefix("channel:jiangnan:CNY|") == true, "\(holds ?? "nil")")
            #expect(counted == 1, "only the succeeded payment counts on that day")
            // The refused order id was never stored: it can be paid now (today's counter has room either way).
            let again = try await pay("lim-d", "tea")
            #expect(again.status == 201 && again.string("status") == "succeeded", "\(again.text)")
        }
    }

    /// Today's count against the channel's cap, from `GET /admin/limits`.
    static func usage(_ stack: JiangnanStack) async throws -> (used: Int, cap: Int?)? {
        let answer = try await TestHTTP.get(stack.gateway.admin("/admin/limits"), headers: stack.gateway.adminHeaders)
        let object = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any]
        guard let row = (object?["limits"] as? [[String: Any]])?.first(where: { $0["channel"] as? String == "jiangnan" }) else {
            return nil
        }
        return ((row["used_count"] as? NSNumber)?.intValue ?? -1, (row["daily_count"] as? NSNumber)?.intValue)
    }

    static func eventually(seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }
}
