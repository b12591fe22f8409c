import Foundation
import Testing

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
        let bank = try await VersionedBankServer.start(delay: .milliseconds(200))
        let plugins = try directory.subdirectory("plugins")
        try plugins.appendingPathComponent("libVersionedBank-1.so").copy(from: try BuildProducts.fixture("libVersionedBank-1.so"))
        let configs = try directory.subdirectory("channel-configs")
        try configs.appendingPathComponent("vb.yaml").write(text: """
            id: vb
            plugin: versioned-bank
            online: true
            endpoint: \(bank.url.absoluteString)
            currencies: [CNY]
            timeouts: {connect_ms: 2000, request_ms: 8000}

            """)
        let data = try directory.subdirectory("gateway-data")
        var gateway = try await GatewayProcess.start(
            in: directory, configDirectory: configs, pluginsDirectory: plugins, dataDirectory: data)
        do {
            let flow = PaymentFlow(label: "upgrade")
            let merchantURL = gateway.merchantURL
            let task = Task { await flow.run(gateway: merchantURL, perSecond: 25) }
            try await Task.sleep(for: .seconds(2))

            let swapStart = ContinuousClock.now
            let upgrade = try await Self.gatewayctl(
                ["plugins", "install", try BuildProducts.fixture("libVersionedBank-2.so").path], gateway, in: directory)
            let swapped = ContinuousClock.now
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
            #expect(use.status == 0, "\(use.log)")
            #expect(use.stdout.contains("2.0.0 → 1.0.0"), "\(use.stdout)")
            try await Task.sleep(for: .seconds(1.5))
            flow.stop()
            await task.value

            #expect(flow.failures.isEmpty, "\(flow.failures.prefix(5).map { "\($0.status) \($0.text)" })")
            let versionOf = Dictionary(bank.pays.map { ($0.id, $0.pluginVersion ?? "?") }, uniquingKeysWith: { first, _ in first })
            func versions(sentAfter start: ContinuousClock.Instant, before end: ContinuousClock.Instant) -> Set<String> {
                Set(flow.all.filter { $0.sentAt > start && $0.sentAt < end }.compactMap { $0.paymentId.flatMap { versionOf[$0] } })
            }
            #expect(versions(sentAfter: .now - .seconds(3600), before: swapStart) == ["1.0.0"])
            #expect(versions(sentAfter: swapped, before: pinned - .seconds(0.3)) == ["2.0.0"], "after the upgrade, and after the broken v3")
            #expect(!versions(sentAfter: afterBroken, before: pinned - .seconds(0.3)).isEmpty)
            #expect(versions(sentAfter: pinned, before: .now) == ["1.0.0"], "after plugins use 1.0.0")
            // Calls in flight on 1.0.0 when the upgrade started finished, and their payments succeeded.
            let inFlight = bank.pays.filter { $0.pluginVersion == "1.0.0" && $0.receivedAt < swapStart && $0.answeredAt > swapStart }
            #expect(!inFlight.isEmpty, "no call was in flight on 1.0.0 during the upgrade")
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
