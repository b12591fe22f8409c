import Foundation
import Testing

extension LiveOperationsTests {
    /// Plugins added and upgraded in a running gateway, under load: real gateway, real .so files (one module
    /// built in three versions), real banks, real gatewayctl.
    @Suite("Plugins, hot: install, upgrade under load, refuse a broken version, pin, restart", .serialized)
    struct PluginHotTests {
        static func gatewayctl(_ arguments: [String], _ gateway: GatewayProcess, in directory: TestDirectory) async throws
            -> (status: Int32, stdout: String, log: String)
        {
            try await GatewayCtlRunner.run(
                arguments + ["--admin-url", gateway.adminURL.absoluteString, "--admin-token-file", gateway.adminTokenFile.path],
                in: directory)
        }

        static func json(_ text: String) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }

        /// When the channel `vb`'s current instance was built (its self-check time, on the gateway's clock).
    static func instanceBuilt(_ gateway: GatewayProcess) async throws -> Date {
        let channel = try await TestHTTP.get(gateway.admin("/admin/channels/vb"), headers: gateway.adminHeaders).json
        let text = (channel["self_check"] as? [String: Any])?["checked_at"] as? String
        return try #require(text.flatMap(date), "\(channel)")
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    @Test("a second bank's plugin installed with gatewayctl into a running gateway, plus its config, serves a payment")
        func installServesWithoutRestart() async throws {
            let directory = try TestDirectory("plugin-install")
            let plugins = try directory.subdirectory("plugins")
            let configs = try directory.subdirectory("channel-configs")
            let gateway = try await GatewayProcess.start(in: directory, configDirectory: configs, pluginsDirectory: plugins)
            do {
                try await checkInstall(gateway, directory: directory, configs: configs, plugins: plugins)
            } catch {
                await gateway.terminate()
                throw error
            }
            await gateway.terminate()
        }

        private func checkInstall(_ gateway: GatewayProcess, directory: TestDirectory, configs: URL, plugins: URL) async throws {
            try configs.appendingPathComponent("partner.yaml").write(text: PartnerPluginTests.config)
            let refused = try await ChannelOpsStack.eventually(within: .seconds(3)) {
                let errors = try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders)
                    .json["config_errors"] as? [[String: Any]] ?? []
                return errors.contains { ($0["message"] as? String)?.contains("unknown plugin 'partner-bank'") == true }
            }
            #expect(refused, "a config for a plugin that is not loaded yet should be refused until it is")

            let install = try await Self.gatewayctl(
                ["plugins", "install", try BuildProducts.fixture("libPartnerBank.so").path, "--json"], gateway, in: directory)
            #expect(install.status == 0, "\(install.log)")
            let installed = Self.json(install.stdout)["installed"] as? [String: Any]
            #expect(installed?["id"] as? String == "partner-bank" && installed?["state"] as? String == "started", "\(install.stdout)")
            let file = try #require(installed?["file"] as? String)
            #expect(file.hasPrefix("libPartnerBank-") && file.hasSuffix(".so"), "installed under a new, versioned name: \(file)")
            let names = try FileManager.default.contentsOfDirectory(atPath: plugins.path)
            #expect(names.contains(file) && !names.contains { $0.hasPrefix(".") }, "\(names)")

            let paid = try await ChannelOpsStack.eventually(within: .seconds(3)) {
                let result = try await TestHTTP.post(
                    gateway.merchant("/v1/payments"),
                    body: JSONSerialization.data(withJSONObject: [
                        "merchant_order_id": "hot-\(UUID().uuidString.prefix(8))", "amount": 500, "currency": "CNY",
                        "subject": "hot", "channel": "partner",
                    ]), headers: ["X-Merchant-Id": "m1"])
                return result.status == 201 && result.string("status") == "succeeded"
            }
            #expect(paid, "the hot-installed plugin's channel did not serve a payment")
            let list = try await Self.gatewayctl(["plugins", "list", "--json"], gateway, in: directory)
            #expect(list.status == 0)
            let channels = Self.json(list.stdout)["channels"] as? [[String: Any]] ?? []
            #expect(channels.contains { $0["channel"] as? String == "partner" && $0["version"] as? String == "2.0.0" }, "\(list.stdout)")
            // Installing the same file again changes nothing.
            let again = try await Self.gatewayctl(
                ["plugins", "install", try BuildProducts.fixture("libPartnerBank.so").path], gateway, in: directory)
            #expect(again.status == 0, "\(again.log)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: plugins.path).count == names.count)
        }

        @Test("upgrade under load: v2 takes over with zero failures while v1's calls finish; a broken v3 is refused; use pins v1; a restart keeps the pin")
        func upgradeUnderLoad() async throws {
            let directory = try TestDirectory("plugin-upgrade")
            let bank = try await VersionedBankServer.start(delay: .milliseconds(300))
            let plugins = try directory.subdirectory("plugins")
            try plugins.appendingPathComponent("libVersionedBank-1.so").copy(from: try BuildProducts.fixture("libVersionedBank-1.so"))
            let configs = try directory.subdirectory("channel-configs")
            try configs.appendingPathComponent("vb.yaml").write(text: """
                id: vb
                plugin: versioned-bank
                online: true
                endpoint: \(bank.url.absoluteString)
                currencies: [CNY]
                timeouts: {connect_ms: 2000, request_ms: 30000}

                """)
            let data = try directory.subdirectory("gateway-data")
            var gateway = try await GatewayProcess.start(
                in: directory, configDirectory: configs, pluginsDirectory: plugins, dataDirectory: data)
            do {
                let flow = PaymentFlow(label: "upgrade")
                let merchantURL = gateway.merchantURL
                let task = Task { await flow.run(gateway: merchantURL, perSecond: 25) }
                try await Task.sleep(for: .seconds(2))

                // Hold two of 1.0.0's answers from before the swap until 2.0.0 has answered one, so that calls on 1.0.0
                // are surely open while 2.0.0 takes over (on a loaded machine the flow can pause longer than the
                // bank's delay); a hold that outlasts 20 s ends anyway and the checks below say what happened.
                bank.hold(version: "1.0.0", count: 2)
                let holdStart = ContinuousClock.now
                while bank.held < 2, ContinuousClock.now < holdStart + .seconds(20) {
                    try await Task.sleep(for: .milliseconds(10))
                }
                let releaser = Task {
                    while !bank.pays.contains(where: { $0.pluginVersion == "2.0.0" }), ContinuousClock.now < holdStart + .seconds(20) {
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                    bank.release()
                }
                let swapStart = ContinuousClock.now
                let upgrade = try await Self.gatewayctl(
                    ["plugins", "install", try BuildProducts.fixture("libVersionedBank-2.so").path], gateway, in: directory)
                let v2Built = try await Self.instanceBuilt(gateway)
                await releaser.value
                #expect(upgrade.status == 0, "\(upgrade.log)")
                #expect(upgrade.stdout.contains("plugin versioned-bank: 1.0.0 → 2.0.0"), "\(upgrade.stdout)")
                try await Task.sleep(for: .seconds(2))

                let broken = try await Self.gatewayctl(
                    ["plugins", "install", try BuildProducts.fixture("libVersionedBank-3.so").path], gateway, in: directory)
                #expect(broken.status == 4, "\(broken.log)")
                #expect(broken.log.contains("plugin_refused") && broken.log.contains("invalid_manifest"), "\(broken.log)")
                let afterBroken = ContinuousClock.now
                try await Task.sleep(for: .seconds(1.5))

                let use = try await Self.gatewayctl(["plugins", "use", "versioned-bank", "1.0.0"], gateway, in: directory)
                let pinned = ContinuousClock.now
                let v1Rebuilt = try await Self.instanceBuilt(gateway)
                #expect(use.status == 0, "\(use.log)")
                #expect(use.stdout.contains("2.0.0 → 1.0.0"), "\(use.stdout)")
                try await Task.sleep(for: .seconds(1.5))
                flow.stop()
                await task.value

                #expect(flow.failures.isEmpty, "\(flow.failures.prefix(5).map { "\($0.status) \($0.text)" })")
                // What the bank saw. Before the upgrade began only 1.0.0 existed. A payment the gateway created more
                // than 1 s after the new instance was built (both on the gateway's clock) was pinned after the
                // swap and must be on the new version; older ones may be calls that were in flight. (Judged on
                // the gateway's clock: on a loaded machine a request can wait seconds between test and gateway.)
                let pays = bank.pays
                let created = Dictionary(
                    flow.all.compactMap { answer in
                        answer.paymentId.flatMap { id in answer.createdAt.flatMap(Self.date).map { (id, $0) } }
                    }, uniquingKeysWith: { a, _ in a })
                #expect(pays.filter { $0.receivedAt < swapStart }.allSatisfy { $0.pluginVersion == "1.0.0" })
                func strays(on version: String, createdAfter start: Date, before end: Date) -> [String] {
                    pays.filter { pay in
                        guard pay.pluginVersion == version, let at = created[pay.id] else { return false }
                        return at > start.addingTimeInterval(1) && at < end
                    }.map(\.id)
                }
                let strayV1 = strays(on: "1.0.0", createdAfter: v2Built, before: v1Rebuilt)
                #expect(strayV1.isEmpty, "new payments reached the bank on 1.0.0 after the upgrade: \(strayV1)")
                let strayV2 = strays(on: "2.0.0", createdAfter: v1Rebuilt, before: .distantFuture)
                #expect(strayV2.isEmpty, "new payments reached the bank on 2.0.0 after plugins use 1.0.0: \(strayV2)")
                let v2 = pays.filter { $0.pluginVersion == "2.0.0" }
                #expect(v2.contains { $0.receivedAt > afterBroken }, "2.0.0 did not keep serving after the broken 3.0.0")
                #expect(pays.contains { $0.pluginVersion == "1.0.0" && $0.receivedAt > pinned }, "no traffic on 1.0.0 after the pin")
                #expect(pays.allSatisfy { ["1.0.0", "2.0.0"].contains($0.pluginVersion ?? "") }, "3.0.0 served")
                // Calls on 1.0.0 still in flight when 2.0.0 began serving finished, and their payments succeeded.
                let firstV2 = try #require(v2.map(\.receivedAt).min())
                let inFlight = pays.filter { $0.pluginVersion == "1.0.0" && $0.receivedAt < firstV2 && $0.answeredAt > firstV2 }
                #expect(!inFlight.isEmpty, "no call was in flight on 1.0.0 when 2.0.0 took over")
                let succeeded = Set(flow.all.filter { $0.paymentStatus == "succeeded" }.compactMap(\.paymentId))
                #expect(inFlight.allSatisfy { succeeded.contains($0.id) })

                // After a restart the pinned version serves; the others are superseded, the broken one failed.
                await gateway.terminate()
                gateway = try await GatewayProcess.start(
                    in: directory, configDirectory: configs, pluginsDirectory: plugins, dataDirectory: data)
                let paid = try await TestHTTP.post(
                    gateway.merchant("/v1/payments"),
                    body: JSONSerialization.data(withJSONObject: [
                        "merchant_order_id": "after-restart", "amount": 300, "currency": "CNY", "subject": "restart",
                    ]), headers: ["X-Merchant-Id": "m1"])
                #expect(paid.status == 201 && paid.string("status") == "succeeded", "\(paid.text)")
                #expect(bank.pays.last?.pluginVersion == "1.0.0")
                let list = try await Self.gatewayctl(["plugins", "list", "--json"], gateway, in: directory)
                let states = (Self.json(list.stdout)["plugins"] as? [[String: Any]] ?? []).map {
                    "\($0["version"] as? String ?? "?") \($0["state"] as? String ?? "?")"
                }
                #expect(Set(states) == ["1.0.0 started", "2.0.0 superseded", "3.0.0 failed"], "\(list.stdout)")
                #expect((Self.json(list.stdout)["pins"] as? [String: String]) == ["versioned-bank": "1.0.0"])
                let table = try await Self.gatewayctl(["plugins", "list"], gateway, in: directory)
                #expect(table.status == 0 && table.stdout.contains("superseded"), "\(table.stdout)")
            } catch {
                await gateway.terminate()
                await bank.stop()
                throw error
            }
            await gateway.terminate()
            await bank.stop()
        }
    }
}
