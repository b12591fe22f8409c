import Foundation
import Testing

extension LiveOperationsTests {
    /// Every ops command of gatewayctl against a real gateway: each `--json` answer parses, and each documented
    /// exit code (0, 3, 4, 5, 6, 64) comes out where it should.
    @Suite("gatewayctl ops commands: --json and exit codes")
    struct GatewayCtlOpsTests {
        static func object(_ text: String) -> [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        }

        @Test("channels, config, plugins and payments: every --json answer parses; exit codes 0, 3, 4, 5, 6, 64")
        func commandsAndExitCodes() async throws {
            try await ChannelOpsStack.with("gatewayctl-ops", processingDelayMs: 30_000) { stack in
                let gateway = stack.gateways[0]
                let paid = try await stack.pay(gateway, order: "ctl-1", channel: "x")
                let paymentId = try #require(paid.string("id"), "\(paid.text)")
                let open = try await stack.pay(gateway, order: "ctl-open", channel: "x", subject: "[sim:processing] open")
                let openId = try #require(open.string("id"), "\(open.text)")

                let commands: [[String]] = [
                    ["channels", "list"], ["channels", "show", "x"], ["channels", "offline", "y", "--reason", "ctl"],
                    ["channels", "online", "y"], ["config", "reload"], ["plugins", "list"], ["plugins", "rescan"],
                    ["payments", "show", paymentId], ["payments", "find", "--merchant", "m1", "--order", "ctl-1"],
                    ["payments", "pending", "--older-than", "0"], ["health"],
                ]
                var answers: [String: [String: Any]] = [:]
                for command in commands {
                    let result = try await stack.gatewayctl(command + ["--json"], gateway: gateway)
                    #expect(result.status == 0, "\(command): \(result.log)")
                    let parsed = Self.object(result.stdout)
                    #expect(parsed != nil, "\(command) --json is not a JSON object: \(result.stdout)")
                    answers[command.prefix(2).joined(separator: " ")] = parsed
                }
                let offline = try await GatewayCtlRunner.run(
                    ["config", "check", stack.configDirectory.path, "--json"], in: stack.directory)
                #expect(offline.status == 0 && Self.object(offline.stdout) != nil, "\(offline.log)")

                // What the answers say.
                let today = answers["channels show"]?["today"] as? [String: Any]
                let totals = today?["totals"] as? [[String: Any]] ?? []
                #expect(totals.contains { $0["status"] as? String == "succeeded" && $0["count"] as? Int == 1 && $0["amount"] as? Int == 100 }, "\(totals)")
                #expect(answers["payments find"]?["id"] as? String == paymentId)
                #expect(answers["payments show"]?["merchant_id"] as? String == "m1")
                let pending = answers["payments pending"]?["payments"] as? [[String: Any]] ?? []
                #expect(pending.map { $0["id"] as? String } == [openId], "\(pending)")
                let show = try await stack.gatewayctl(["channels", "show", "x"], gateway: gateway)
                #expect(show.stdout.contains("today") && show.stdout.contains("succeeded 1"), "\(show.stdout)")
                let table = try await stack.gatewayctl(["payments", "pending", "--older-than", "0"], gateway: gateway)
                #expect(table.stdout.contains(openId), "\(table.stdout)")

                // 4: HTTP errors with their codes.
                for command in [["channels", "show", "nope"], ["payments", "show", "pay_nope"], ["channels", "offline", "nope"],
                                ["plugins", "use", "versioned-bank", "9.9.9"]] {
                    let result = try await stack.gatewayctl(command, gateway: gateway)
                    #expect(result.status == 4, "\(command): \(result.log)")
                }
                // 5: no token.
                let noToken = try await GatewayCtlRunner.run(
                    ["channels", "offline", "x", "--admin-url", gateway.adminURL.absoluteString], in: stack.directory)
                #expect(noToken.status == 5, "\(noToken.log)")
                #expect(try await stack.adminChannel("x", on: gateway)["online"] as? Bool == true, "a refused request changed something")
                // 64: usage.
                for command in [["payments", "pending", "--limit", "0"], ["plugins", "use", "x"], ["channels", "offline"]] {
                    let result = try await stack.gatewayctl(command, gateway: gateway)
                    #expect(result.status == 64, "\(command): \(result.log)")
                }
                // 6: config errors, offline and through the gateway.
                let bad = try stack.directory.subdirectory("bad-configs")
                try bad.appendingPathComponent("z.yaml").write(text: "id: z\nplugin: jiangnan\nonline: maybe\n")
                let check = try await GatewayCtlRunner.run(["config", "check", bad.path], in: stack.directory)
                #expect(check.status == 6 && check.stdout.contains("z.yaml:3: key 'online'"), "\(check.stdout)")
                try stack.configDirectory.appendingPathComponent("z.yaml").write(text: "id: z\nplugin: jiangnan\nonline: maybe\n")
                let reload = try await stack.gatewayctl(["config", "reload"], gateway: gateway)
                #expect(reload.status == 6 && reload.stdout.contains("rejected"), "\(reload.stdout)")
                try FileManager.default.removeItem(at: stack.configDirectory.appendingPathComponent("z.yaml"))

                // 3, and the direct edit when no gateway answers.
                await gateway.terminate()
                let down = try await stack.gatewayctl(["channels", "offline", "x"], gateway: gateway)
                #expect(down.status == 3 && down.log.contains("cannot reach the gateway"), "\(down.log)")
                let before = try stack.configText("x")
                let direct = try await stack.gatewayctl(
                    ["channels", "offline", "x", "--reason", "gateway down", "--config-dir", stack.configDirectory.path],
                    gateway: gateway)
                #expect(direct.status == 0 && direct.stdout.contains("edited"), "\(direct.log)")
                let changed = LiveChannelOpsTests.changedLines(before, try stack.configText("x"))
                #expect(changed.count == 1 && changed.first?.2.hasPrefix("online: false  # set by gatewayctl:") == true, "\(changed)")
                let unknown = try await stack.gatewayctl(
                    ["channels", "offline", "nope", "--config-dir", stack.configDirectory.path], gateway: gateway)
                #expect(unknown.status == 6, "\(unknown.log)")
            }
        }
    }
}
