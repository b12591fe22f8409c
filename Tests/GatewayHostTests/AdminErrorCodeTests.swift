import Foundation
import Testing

/// The admin API's error codes no other suite provokes over HTTP (the ops tests mostly go through gatewayctl),
/// each through the real gateway and the Jiangnan simulator. Failures of the gateway's own files are provoked the
/// way they happen in production and work as root: a path the gateway must write is a directory, or a directory
/// it must write into is a file. Every answer is a documented `Error` with its stable code (checked here and,
/// through `TestHTTP`, against docs/admin-openapi.yaml by `APICoverageTests`).
@Suite("Admin API error codes")
struct AdminErrorCodeTests {
    static func config(_ id: String, online: String = "true") -> String {
        """
        id: \(id)
        plugin: jiangnan
        online: \(online)
        endpoint: http://127.0.0.1:9
        currencies: [CNY]
        settings: {merchant_no: JN8800001}
        credentials:
          secret: {env: \(JiangnanStack.secretVariable)}

        """
    }

    @Test("every admin error code: bad input, unknown things, refused config edits, plugin and reconciliation failures")
    func errorCodes() async throws {
        try await JiangnanStack.with(
            "admin-error-codes", gatewayArguments: ["--config-poll-ms", "0"],
            extraConfigs: [
                "b.yaml": Self.config("jiangnan-b"), "c.yaml": Self.config("jiangnan-c", online: "True"),
                "d.yaml": Self.config("jiangnan-d"),
            ]
        ) { stack in
            let gateway = stack.gateway
            let headers = gateway.adminHeaders
            func send(_ method: String, _ path: String, _ body: String? = nil) async throws -> HTTPResult {
                try await TestHTTP.send(method, gateway.admin(path), body: body.map { Data($0.utf8) }, headers: headers)
            }
            func expectError(_ answer: HTTPResult, _ status: Int, _ code: String, _ name: String) {
                #expect(answer.status == status, "\(name): \(answer.status) \(answer.text)")
                #expect(answer.errorCode == code, "\(name): \(answer.text)")
                #expect((answer.json["error"] as? [String: Any])?["message"] as? String != nil, "\(name) has a message")
            }

            // Bad input and unknown things.
            expectError(try await send("POST", "/admin/channels/jiangnan/breaker/open", "{"), 400, "invalid_json", "a broken JSON body")
            expectError(try await send("GET", "/admin/channels/nope"), 404, "unknown_channel", "an unknown channel")
            expectError(try await send("GET", "/admin/payments/pay_nope"), 404, "payment_not_found", "an unknown payment")
            expectError(try await send("GET", "/admin/nowhere"), 404, "not_found", "an unknown route")
            expectError(try await send("DELETE", "/admin/channels"), 404, "not_found", "DELETE on /admin/channels (a method it lacks)")
            expectError(
                try await send("POST", "/admin/plugins/install", #"{"path":""# + String(repeating: "a", count: 2 << 20) + #""}"#),
                413, "payload_too_large", "a 2 MiB body")

            // Config edits the gateway refuses.
            expectError(
                try await send("POST", "/admin/channels/jiangnan-c/offline", #"{"reason":"test"}"#), 409, "config_edit_failed",
                "a file whose online line is not 'online: true|false'")
            try stack.configDirectory.appendingPathComponent("b.yaml").write(text: "id: jiangnan-b\nplugin: [\n")
            #expect(try await send("POST", "/admin/config/reload").status == 200)
            expectError(
                try await send("POST", "/admin/channels/jiangnan-b/offline", #"{"reason":"test"}"#), 409, "config_file_invalid",
                "a channel whose file was refused")
            try FileManager.default.removeItem(at: stack.configDirectory.appendingPathComponent("d.yaml"))
            expectError(
                try await send("POST", "/admin/channels/jiangnan-d/offline", #"{"reason":"test"}"#), 409, "config_file_missing",
                "a channel whose file is gone (not reloaded yet)")
            #expect(try await send("GET", "/admin/channels/jiangnan-d").status == 200, "the channel still serves")

            // Plugins.
            expectError(
                try await send("POST", "/admin/plugins/jiangnan/use", #"{"version":"9.9.9"}"#), 404, "plugin_version_not_loaded",
                "a version that is not loaded")
            let noEntry = stack.directory.path("libNoEntry.so")
            try noEntry.copy(from: try BuildProducts.fixture("libNoEntry.so"))
            let refused = try await send("POST", "/admin/plugins/install", #"{"path":"\#(noEntry.path)"}"#)
            expectError(refused, 422, "plugin_refused", "a .so without an entry point")
            // The plugins directory replaced by a file: neither the pin file nor a new plugin can be written.
            let plugins = stack.pluginsDirectory
            let away = stack.directory.path("plugins-away")
            try FileManager.default.moveItem(at: plugins, to: away)
            try plugins.write(text: "not a directory\n")
            expectError(
                try await send("POST", "/admin/plugins/jiangnan/use", #"{"version":"2.0.0"}"#), 500, "plugin_pin_failed",
                "the pin file cannot be written")
            let partner = stack.directory.path("libPartnerBank.so")
            try partner.copy(from: try BuildProducts.fixture("libPartnerBank.so"))
            expectError(
                try await send("POST", "/admin/plugins/install", #"{"path":"\#(partner.path)"}"#), 500, "plugin_install_failed",
                "the plugin file cannot be written")
            try FileManager.default.removeItem(at: plugins)
            try FileManager.default.moveItem(at: away, to: plugins)

            // Reconciliation.
            let day = Self.daysAgo(2)
            func run(_ date: String, channel: String = "jiangnan", refetch: Bool = false) async throws -> HTTPResult {
                try await send("POST", "/admin/recon/runs", #"{"channel":"\#(channel)","date":"\#(date)","refetch":\#(refetch)}"#)
            }
            expectError(try await run(day, channel: "nope"), 404, "unknown_channel", "reconciling an unknown channel")
            expectError(try await send("GET", "/admin/recon/runs/jiangnan/2020-01-01"), 404, "unknown_run", "a day never reconciled")
            let faults = stack.simulator.baseURL.appendingPathComponent("_sim/faults")
            #expect(try await TestHTTP.send("PUT", faults, body: Data(#"{"statement_not_ready":true}"#.utf8), headers: [:], signed: false).status == 200)
            expectError(try await run(day), 409, "statement_not_ready", "a day the bank has no statement for yet")
            #expect(try await TestHTTP.send("PUT", faults, body: Data(#"{"statement_not_ready":false}"#.utf8), headers: [:], signed: false).status == 200)
            let good = try await run(day)
            #expect(good.status == 200, "\(good.text)")

            let data = stack.dataDirectory
            func blockWithDirectory(_ path: String) throws {
                let url = data.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                try url.appendingPathComponent("keep").write(text: "x\n")
            }
            let writeDay = Self.daysAgo(3)
            try blockWithDirectory("reconciliation/jiangnan/\(writeDay)/discrepancies.csv")
            expectError(try await run(writeDay), 500, "write_failed", "discrepancy files that cannot be written")
            let unreadableDay = Self.daysAgo(4)
            try blockWithDirectory("statements/jiangnan/\(unreadableDay).statement")
            expectError(try await run(unreadableDay), 502, "statement_unreadable", "a statement on disk the plugin cannot read")
            expectError(
                try await run(unreadableDay, refetch: true), 500, "statement_unavailable",
                "a downloaded statement that cannot be stored")
            let statements = data.appendingPathComponent("statements")
            let statementsAway = stack.directory.path("statements-away")
            try FileManager.default.moveItem(at: statements, to: statementsAway)
            try statements.write(text: "not a directory\n")
            let failed = try await run(Self.daysAgo(5), refetch: true)
            expectError(failed, 500, "internal_error", "a statements directory that is a file")
            #expect(!failed.text.contains(statements.path), "the answer leaks a path: \(failed.text)")
            try FileManager.default.removeItem(at: statements)
            try FileManager.default.moveItem(at: statementsAway, to: statements)
            await stack.simulator.terminate()
            expectError(try await run(Self.daysAgo(6), refetch: true), 502, "statement_unavailable", "a bank that is down")
        }
    }

    /// The business date `days` before today in Shanghai (the Jiangnan bank's day). The bank publishes a day's
    /// statement from 01:00 the next day, so yesterday's is not there yet between 00:00 and 01:00 Shanghai time
    /// (16:00–17:00 UTC): the days used here start two days back.
    static func daysAgo(_ days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let date = calendar.date(byAdding: .day, value: -days, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
