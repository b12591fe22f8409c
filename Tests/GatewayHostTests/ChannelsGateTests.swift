import Foundation
import Testing

/// `gatewayctl channels` as a deploy gate: it exits 8 while a plugin file failed, a config file was refused or
/// an online channel is not ready, and 0 once nothing is; an offline channel is a decision, not a failure.
/// And the load errors a partner meets say what to do.
@Suite("gatewayctl channels exits 8 while anything is failed or not ready")
struct ChannelsGateTests {
    @Test("each kind of problem turns the exit code to 8 with the problem listed; an offline broken channel does not")
    func deployGate() async throws {
        try await ChannelOpsStack.with("channels-gate", channels: ["x"]) { stack in
            let gateway = stack.gateways[0]
            func channels(_ extra: [String] = []) async throws -> (status: Int32, stdout: String, log: String) {
                try await stack.gatewayctl(["channels"] + extra, gateway: gateway)
            }
            func reload() async throws -> (status: Int32, stdout: String, log: String) {
                try await stack.gatewayctl(["config", "reload"], gateway: gateway)
            }
            let healthy = try await channels()
            #expect(healthy.status == 0, "\(healthy.log)")
            #expect(!healthy.stdout.contains("PROBLEMS"), "\(healthy.stdout)")

            // An offline channel whose credentials the bank refuses: misconfigured, but offline by decision.
            try "not-the-secret-the-bank-has-0123456789\n".write(
                to: stack.configDirectory.appendingPathComponent("wrong.key"), atomically: true, encoding: .utf8)
            let broken = ChannelOpsStack.config(id: "w", endpoint: stack.simulators["x"]!.baseURL)
                .replacingOccurrences(of: "online: true", with: "online: false")
                .replacingOccurrences(of: "secret: {env: \(JiangnanStack.secretVariable)}", with: "secret: {file: wrong.key}")
            try stack.configFile("w").write(text: broken)
            #expect(try await reload().status == 0)
            let offline = try await stack.adminChannel("w", on: gateway)
            #expect(offline["state"] as? String == "misconfigured", "\(offline)")
            let decided = try await channels()
            #expect(decided.status == 0, "an offline channel is not a failure: \(decided.log)")

            // Online and not ready: 8, with the channel and its reason, in the table and (with --json) on stderr.
            try stack.edit("w") { $0.replacingOccurrences(of: "online: false", with: "online: true") }
            #expect(try await reload().status == 0)
            let notReady = try await channels()
            #expect(notReady.status == 8, "\(notReady.log)")
            #expect(notReady.stdout.contains("PROBLEMS"), "\(notReady.stdout)")
            #expect(notReady.stdout.contains("- channel w is online but misconfigured"), "\(notReady.stdout)")
            let json = try await channels(["--json"])
            #expect(json.status == 8, "\(json.log)")
            let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(parsed?["channels"] != nil, "stdout stays the admin API's JSON: \(json.stdout)")
            #expect(json.log.contains("problem: channel w is online but misconfigured"), "\(json.log)")
            try FileManager.default.removeItem(at: stack.configFile("w"))
            #expect(try await reload().status == 0)
            #expect(try await ChannelOpsStack.eventually(within: .seconds(20)) { try await channels().status == 0 })

            // A refused config file: an unknown setting, which names the plugin's known settings.
            let unknownSetting = ChannelOpsStack.config(id: "u", endpoint: stack.simulators["x"]!.baseURL)
                .replacingOccurrences(of: "settings: {merchant_no:", with: "settings: {colour: red, merchant_no:")
            try stack.configFile("u").write(text: unknownSetting)
            let refused = try await reload()
            #expect(refused.status == 6, "\(refused.log)")
            #expect(refused.stdout.contains("settings.colour"), "\(refused.stdout)")
            #expect(refused.stdout.contains("unknown setting for plugin 'jiangnan' (known: merchant_no"), "\(refused.stdout)")
            let configProblem = try await channels()
            #expect(configProblem.status == 8, "\(configProblem.log)")
            #expect(configProblem.stdout.contains("- config file u.yaml was refused"), "\(configProblem.stdout)")
            #expect(configProblem.stdout.contains("unknown setting"), "\(configProblem.stdout)")
            try FileManager.default.removeItem(at: stack.configFile("u"))
            #expect(try await reload().status == 0)
            #expect(try await channels().status == 0)

            // A plugin file that fails, and a config naming its plugin: the config error points at the file.
            try stack.pluginsDirectory.appendingPathComponent("libThrowingPlugin.so")
                .copy(from: try BuildProducts.fixture("libThrowingPlugin.so"))
            _ = try await stack.gatewayctl(["plugins", "rescan"], gateway: gateway)
            let pluginProblem = try await channels()
            #expect(pluginProblem.status == 8, "\(pluginProblem.log)")
            #expect(
                pluginProblem.stdout.contains("- plugin file libThrowingPlugin.so failed to load (init_failed: init failed"),
                "\(pluginProblem.stdout)")
            try stack.configFile("t").write(
                text: """
                    id: t
                    plugin: throwing
                    online: true
                    endpoint: \(stack.simulators["x"]!.baseURL.absoluteString)
                    currencies: [CNY]

                    """)
            let pointed = try await reload()
            #expect(pointed.status == 6, "\(pointed.log)")
            #expect(
                pointed.stdout.contains(
                    "plugin 'throwing' is not started: its file libThrowingPlugin.so failed to load (init_failed: init failed"),
                "\(pointed.stdout)")
            #expect(pointed.stdout.contains("gatewayctl plugins inspect"), "\(pointed.stdout)")
            // A plugin id no file is recognisably: the ids that started, and the files that failed.
            try stack.configFile("t").write(
                text: """
                    id: t
                    plugin: nowhere-bank
                    online: true
                    endpoint: \(stack.simulators["x"]!.baseURL.absoluteString)
                    currencies: [CNY]

                    """)
            let unknown = try await reload()
            #expect(unknown.status == 6, "\(unknown.log)")
            #expect(
                unknown.stdout.contains(
                    "unknown plugin 'nowhere-bank' (started plugins: jiangnan); plugin files that failed to load, one of "
                        + "which may be it: libThrowingPlugin.so (init_failed)"),
                "\(unknown.stdout)")
        }
    }
}
