import Foundation
import GatewayAPI
import Testing

/// The gateway's plugin loader against real files: one good plugin and every kind of bad one side by side.
@Suite("Plugin loader (real gateway process)")
struct PluginLoaderTests {
    /// A bad plugin file and what the gateway must report for it (docs/HELPER-NOTES.md).
    struct BadPlugin: Sendable {
        let file: String
        let errorCode: String
        let texts: [String]
        /// The states the file passed before it failed (`failed` follows the last one).
        let passed: [AdminPlugin.State]
    }

    static let badPlugins: [BadPlugin] = [
        BadPlugin(file: "libGarbage.so", errorCode: "not_loadable", texts: ["invalid ELF header"], passed: [.discovered]),
        BadPlugin(file: "libShort.so", errorCode: "not_loadable", texts: ["file too short"], passed: [.discovered]),
        BadPlugin(
            file: "libNoEntry.so", errorCode: "no_entry_point", texts: ["channelkit_plugin_entry"],
            passed: [.discovered, .loaded]),
        // A 1.x build whose symbols all resolve: refused by its build description.
        BadPlugin(
            file: "libOldChannelKit.so", errorCode: "channelkit_version_mismatch",
            texts: ["built against ChannelKit 1.0, this gateway has 2.0", "rebuild against ChannelKit 2.x"],
            passed: [.discovered, .loaded]),
        // A real plugin built against ChannelKit 1.0: it needs 1.0 symbols 2.0 removed, so dlopen fails.
        BadPlugin(
            file: "libLegacyPlugin.so", errorCode: "channelkit_version_mismatch",
            texts: ["built against a ChannelKit older than 2.0", "rebuild against ChannelKit 2.x", "undefined symbol: $s10ChannelKit"],
            passed: [.discovered]),
        BadPlugin(
            file: "libWrongCompiler.so", errorCode: "compiler_mismatch",
            texts: ["built with Swift 5.10, this gateway with 6.3.1", "ChannelKit 2.x"], passed: [.discovered, .loaded]),
        BadPlugin(
            file: "libNewerPlugin.so", errorCode: "newer_channelkit",
            texts: ["built against ChannelKit 2.1, newer than this gateway's 2.0", "undefined symbol: $s10ChannelKit"],
            passed: [.discovered]),
        BadPlugin(
            file: "libThrowingPlugin.so", errorCode: "init_failed", texts: ["init failed", "no licence file"],
            passed: [.discovered, .loaded, .checked]),
        BadPlugin(
            file: "libJiangnan2.so", errorCode: "duplicate_id", texts: ["duplicate plugin id", "jiangnan"],
            passed: [.discovered, .loaded, .checked]),
        // The build's own libChannelKit.so, copied beside the plugin as a partner might: named, never dlopened.
        BadPlugin(
            file: "libChannelKit.so", errorCode: "channelkit_library",
            texts: ["this is a copy of ChannelKit's own library (libChannelKit.so", "not a plugin", "remove it"],
            passed: [.discovered]),
    ]

    @Test("bad plugin files fail one by one, the good one starts, and its channel takes a payment")
    func goodAndBadPluginsSideBySide() async throws {
        let directory = try TestDirectory("plugin-loader")
        let plugins = try Self.pluginsDirectory(in: directory)
        let simulator = try await SimulatorProcess.start(in: directory)
        let configs = try directory.subdirectory("channel-configs")
        try configs.appendingPathComponent("jiangnan.yaml").write(text: Self.jiangnanConfig(endpoint: simulator.baseURL))

        let gateway = try await GatewayProcess.start(
            in: directory, configDirectory: configs, pluginsDirectory: plugins,
            environment: ["JIANGNAN_SECRET": SimulatorProcess.secret])
        await recordingLog(gateway.readLog()) {
            try await Self.checkAdminAPI(gateway)
            try await Self.checkGatewayCtl(gateway, in: directory)
            try await Self.checkPayment(gateway)
        }
        #expect(await gateway.terminate() == 0, "gateway did not stop cleanly on SIGTERM\n\(gateway.readLog())")
        await simulator.terminate()
    }

    /// One plugins dir with the good libJiangnan.so, a duplicate of it sorting after it, and every bad file.
    static func pluginsDirectory(in directory: TestDirectory) throws -> URL {
        let plugins = try directory.subdirectory("plugins")
        let jiangnan = try BuildProducts.product("libJiangnan.so")
        try plugins.appendingPathComponent("libJiangnan.so").copy(from: jiangnan)
        try plugins.appendingPathComponent("libJiangnan2.so").copy(from: jiangnan)
        try plugins.appendingPathComponent("libChannelKit.so").copy(from: try BuildProducts.product("libChannelKit.so"))
        for name in [
            "libNoEntry.so", "libOldChannelKit.so", "libWrongCompiler.so", "libNewerPlugin.so", "libThrowingPlugin.so",
            "libLegacyPlugin.so",
        ] {
            try plugins.appendingPathComponent(name).copy(from: try BuildProducts.fixture(name))
        }
        var generator = SystemRandomNumberGenerator()
        let garbage = Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try Data("\u{7F}EL".utf8).write(to: plugins.appendingPathComponent("libShort.so"))
        try (Data("garbage!".utf8) + garbage).write(to: plugins.appendingPathComponent("libGarbage.so"))
        return plugins
    }

    static func jiangnanConfig(endpoint: URL) -> String {
        """
        id: jiangnan
        plugin: jiangnan
        online: true
        endpoint: \(endpoint.absoluteString)
        currencies: [CNY]
        max_amount: 5000000
        timeouts: {connect_ms: 2000, request_ms: 5000, download_ms: 60000}
        settings: {merchant_no: \(SimulatorProcess.merchantNumber)}
        credentials:
          secret: {env: JIANGNAN_SECRET}

        """
    }

    static func checkAdminAPI(_ gateway: GatewayProcess) async throws {
        let health = try await TestHTTP.get(gateway.admin("/healthz"), headers: gateway.adminHeaders)
        #expect(health.status == 200, "GET /healthz: \(health.text)")
        let response = try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders)
        try #require(response.status == 200, "GET /admin/channels: \(response.text)")
        let report = try response.decode(AdminChannelsResponse.self)
        let plugins = Dictionary(report.plugins.map { ($0.file, $0) }, uniquingKeysWith: { first, _ in first })

        let good = try #require(plugins["libJiangnan.so"], "libJiangnan.so not reported: \(response.text)")
        #expect(good.state == .started, "libJiangnan.so: \(good)")
        #expect(good.id == "jiangnan")
        #expect(good.errorCode == nil)
        #expect(good.channelKitAPI == "2.0")
        #expect(good.history.map(\.state) == [.discovered, .loaded, .checked, .started], "\(good.history)")
        #expect(good.failedAfter == nil)
        #expect(good.history.allSatisfy { !$0.at.isEmpty })
        #expect(good.statements == AdminStatementSupport(format: "csv", timeZone: "Asia/Shanghai", availableAfterSeconds: 3600))

        for bad in badPlugins {
            guard let plugin = plugins[bad.file] else {
                Issue.record("\(bad.file) not reported: \(response.text)")
                continue
            }
            #expect(plugin.state == .failed, "\(bad.file): \(plugin)")
            #expect(plugin.errorCode == bad.errorCode, "\(bad.file): \(plugin)")
            for text in bad.texts {
                #expect(plugin.error?.contains(text) == true, "\(bad.file): error should contain '\(text)': \(plugin)")
            }
            // Observed at the state where it failed: the states it passed, then failed.
            #expect(plugin.history.map(\.state) == bad.passed + [.failed], "\(bad.file): \(plugin.history)")
            #expect(plugin.failedAfter == bad.passed.last, "\(bad.file): \(plugin)")
        }

        let channel = try #require(report.channels.first { $0.id == "jiangnan" }, "no jiangnan channel: \(response.text)")
        #expect(channel.state == .ready, "jiangnan channel: \(channel)")
        #expect(channel.plugin == "jiangnan")
        #expect(report.configErrors.isEmpty, "config errors: \(report.configErrors)")
    }

    /// `gatewayctl channels` shows each file's states, a failed one at the state where it failed.
    static func checkGatewayCtl(_ gateway: GatewayProcess, in directory: TestDirectory) async throws {
        let table = try await GatewayCtlRunner.run(["channels", "--admin-url", gateway.adminURL.absoluteString, "--admin-token-file", gateway.adminTokenFile.path], in: directory)
        // Failed plugin files make `channels` exit 8 (a deploy gate), each listed under PROBLEMS.
        #expect(table.status == 8, "\(table.log)")
        let problems = table.stdout.components(separatedBy: "\nPROBLEMS\n").last ?? ""
        for bad in badPlugins {
            #expect(problems.contains("- plugin file \(bad.file) failed to load (\(bad.errorCode): "), "\(bad.file)\n\(problems)")
        }
        #expect(!problems.contains("libJiangnan.so failed"), "\(problems)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        func row(_ file: String) -> String { lines.first { $0.hasPrefix(file + " ") } ?? "" }
        #expect(lines.contains { $0.hasPrefix("FILE ") && $0.contains("STATES") }, "\(table.stdout)")
        #expect(row("libJiangnan.so").contains("discovered → loaded → checked → started"), "\(table.stdout)")
        #expect(row("libThrowingPlugin.so").contains("discovered → loaded → checked → failed"), "\(table.stdout)")
        #expect(row("libNoEntry.so").contains("discovered → loaded → failed"), "\(table.stdout)")
        #expect(row("libLegacyPlugin.so").contains("discovered → failed"), "\(table.stdout)")
        #expect(row("libLegacyPlugin.so").contains("rebuild against ChannelKit 2.x"), "\(table.stdout)")
        #expect(row("libChannelKit.so").contains("discovered → failed") && row("libChannelKit.so").contains("channelkit_library"))
    }

    static func checkPayment(_ gateway: GatewayProcess) async throws {
        let body = MerchantAPI.CreatePayment(amount: 1234, subject: "plugin loader test", channel: "jiangnan")
        let created = try await TestHTTP.post(
            gateway.merchant("/v1/payments"), json: body, headers: MerchantAPI.headers())
        try #require(created.status == 201, "POST /v1/payments: \(created.status) \(created.text)")
        let payment = try created.decode(MerchantAPI.Transaction.self)
        let final = try await MerchantAPI.waitUntilFinal(gateway.merchant("/v1/payments/\(payment.id)"))
        #expect(final.status == "succeeded", "payment \(payment.id) ended \(final.status)")
    }
}
