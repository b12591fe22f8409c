import Foundation
import GatewayAPI
import Testing

/// The daily schedule from a channel's config: yesterday's job is created once `run_after` has passed (bank
/// time); a statement that is not ready yet is asked again with backoff, the day shows as overdue in `/metrics`
/// and `gatewayctl recon runs` meanwhile, and the run is stored once the bank has the file.
@Suite("Reconciliation schedule: retries while the statement is not ready, overdue until done", .serialized)
struct ReconScheduleTests {
    @Test("run_after 00:00, statement not ready → retried, overdue; ready → run stored, no longer overdue")
    func scheduleRetryOverdue() async throws {
        try await Self.awayFromShanghaiMidnight()
        // The bank's file for a day is there from 01:00 the next day (bank time); the bank and the channel run an
        // hour ahead of the gateway's schedule, so yesterday's file exists whatever the time of day.
        try await JiangnanStack.with(
            "recon-schedule", simulatorArguments: ["--clock-offset-ms", "3600000"],
            gatewayArguments: ["--no-recovery", "--recon-poll-ms", "300", "--channel-clock-offset-ms", "3600000"]
        ) { stack in
            let faults = stack.simulator.baseURL.appendingPathComponent("_sim/faults")
            #expect(try await TestHTTP.send("PUT", faults, body: Data(#"{"statement_not_ready":true}"#.utf8), headers: [:], signed: false).status == 200)
            let yesterday = Self.shanghaiDate(Date().addingTimeInterval(-86_400))
            try stack.configDirectory.appendingPathComponent("jiangnan.yaml").write(
                text: JiangnanStack.jiangnanConfig(id: "jiangnan", endpoint: stack.simulator.baseURL)
                    + "reconciliation: {run_after: \"00:00\", retry_seconds: 1, overdue_after_minutes: 1}\n")

            // Not ready: the job is tried again and again; the day is overdue.
            var overdue: [AdminReconOverdue] = []
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                let runs = try await TestHTTP.get(
                    stack.gateway.admin("/admin/recon/runs?channel=jiangnan"), headers: stack.gateway.adminHeaders, signed: false)
                overdue = try JSONDecoder().decode(AdminReconRuns.self, from: runs.body).overdue
                if overdue.first?.lastError?.contains("statement_not_ready") == true, stack.gateway.readLog().components(separatedBy: "reconciliation job failed").count > 2 {
                    break
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(overdue.map(\.businessDate) == [yesterday], "\(overdue)")
            #expect(overdue.first?.lastError?.contains("statement_not_ready") == true, "\(overdue)")
            var metrics = try await TestHTTP.get(stack.gateway.admin("/metrics")).text
            #expect(LiveOperationsTests.ChannelMetricsTests.samples(metrics, "gateway_recon_overdue", ["channel": "jiangnan"]) == [1], "\(metrics)")
            let table = try await GatewayCtlRunner.run(["recon", "runs"] + stack.gateway.ctlArguments, in: stack.directory)
            #expect(table.status == 0 && table.stdout.contains("OVERDUE") && table.stdout.contains(yesterday), "\(table.stdout)")

            // The bank has the file now: the next attempt stores the run; nothing is overdue.
            #expect(try await TestHTTP.send("PUT", faults, body: Data(#"{"statement_not_ready":false}"#.utf8), headers: [:], signed: false).status == 200)
            var stored: AdminReconRun?
            // The job is due again after 1, 2, 4 … s (the attempts so far); a loaded machine adds its own delays.
            let settled = ContinuousClock.now + .seconds(120)
            while stored == nil, ContinuousClock.now < settled {
                stored = try? await ReconTestSupport.runOfDay(stack.gateway, date: yesterday)
                if stored == nil { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(stored?.statement.downloaded == true, "\(stack.gateway.readLog().suffix(3000))")
            try await Task.sleep(for: .milliseconds(700))
            metrics = try await TestHTTP.get(stack.gateway.admin("/metrics")).text
            #expect(LiveOperationsTests.ChannelMetricsTests.samples(metrics, "gateway_recon_overdue", ["channel": "jiangnan"]) == [0], "\(metrics)")
            let runs = try await TestHTTP.get(
                stack.gateway.admin("/admin/recon/runs?channel=jiangnan"), headers: stack.gateway.adminHeaders, signed: false)
            #expect(try JSONDecoder().decode(AdminReconRuns.self, from: runs.body).overdue.isEmpty)
        }
    }

    static func shanghaiDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// The schedule's day changes at midnight in UTC+8; a test started within two minutes of it waits.
    static func awayFromShanghaiMidnight() async throws {
        let intoDay = (Int64(Date().timeIntervalSince1970 * 1000) + 8 * 3_600_000) % 86_400_000
        if intoDay < 120_000 { try await Task.sleep(for: .milliseconds(120_000 - intoDay + 1000)) }
        if intoDay > 86_400_000 - 60_000 { try await Task.sleep(for: .milliseconds(86_400_000 - intoDay + 121_000)) }
    }
}
