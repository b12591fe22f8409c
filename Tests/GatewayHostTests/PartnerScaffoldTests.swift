import Foundation
import Testing

/// `gatewayctl plugins new`: what it generates, and that the generated package builds out of tree, passes its
/// own tests, installs into a running gateway with `gatewayctl plugins install` (no restart) and pays —
/// unchanged. The package is generated afresh into `<root>/.build/partner-scaffold/acme-bank` and built with the
/// scratch path `<root>/.build/partner-scaffold/scratch`, so a re-run rebuilds only the package's own modules
/// (ChannelKit stays built); every style is generated into the same place, with the same module names.
@Suite("Partner scaffold: gatewayctl plugins new", .serialized)
struct PartnerScaffoldTests {
    static let cache = BuildProducts.repositoryRoot.appendingPathComponent(".build/partner-scaffold", isDirectory: true)
    static let package = cache.appendingPathComponent("acme-bank", isDirectory: true)
    static let scratch = cache.appendingPathComponent("scratch", isDirectory: true)
    /// The example bank's key in these tests (given to the simulator and the gateway through the environment).
    static let bankKey = "acme-bank-scaffold-test-key"

    /// Runs an executable to completion (up to `timeout`); its status and output.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:], in directory: TestDirectory,
                    timeout: Duration = .seconds(1200)) async throws -> (status: Int32, stdout: String, log: String) {
        let process = try ManagedProcess(
            name: executable.lastPathComponent, executable: executable, arguments: arguments, environment: environment,
            directory: directory)
        let status = await process.waitForExit(timeout: timeout)
        return (status, process.readStdout(), process.readLog())
    }

    static let swift = URL(fileURLWithPath: "/usr/bin/env")

    /// `swift ARGS` on the generated package with the cached scratch path.
    static func swiftPM(_ command: String, _ extra: [String] = [], in directory: TestDirectory) async throws
        -> (status: Int32, stdout: String, log: String)
    {
        try await run(
            swift, ["swift", command, "--package-path", package.path, "--scratch-path", scratch.path] + extra, in: directory)
    }

    /// Generates the package in `style` into ``package`` (removing what an earlier run generated).
    static func generate(_ style: String, in directory: TestDirectory) async throws {
        try? FileManager.default.removeItem(at: package)
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        let generated = try await GatewayCtlRunner.run(
            ["plugins", "new", "acme-bank", "--dir", package.path, "--bank-style", style], in: directory)
        #expect(generated.status == 0, "\(generated.log)")
        #expect(generated.stdout.contains("generated Acme Bank (plugin acme-bank, module AcmeBank, \(style) style)"), "\(generated.stdout)")
    }

    /// Builds the package and runs its tests; both must pass.
    static func buildAndTest(in directory: TestDirectory) async throws {
        let build = try await swiftPM("build", in: directory)
        try #require(build.status == 0, "swift build of the generated package failed:\n\(build.log.suffix(6000))")
        #expect(!build.log.contains("warning:") || build.log.components(separatedBy: "\n").filter { $0.contains("warning:") }
            .allSatisfy { $0.contains("/Sources/ChannelKit/") }, "the generated package builds with warnings:\n\(build.log.suffix(4000))")
        let test = try await swiftPM("test", in: directory)
        #expect(test.status == 0, "swift test of the generated package failed:\n\(test.log.suffix(8000))")
        #expect(test.log.contains("Acme Bank conformance") && test.log.contains("passed"), "\(test.log.suffix(3000))")
    }

    @Test("every style: the files, ChannelKit by path, each PARTNER: place listed in the README; a bad name or a used directory is refused")
    func generatesEveryStyle() async throws {
        let directory = try TestDirectory("scaffold-generate")
        for style in ["json", "form", "xml"] {
            let target = directory.path("pkg-\(style)")
            let result = try await GatewayCtlRunner.run(
                ["plugins", "new", "acme-bank", "--dir", target.path, "--bank-style", style], in: directory)
            #expect(result.status == 0, "\(result.log)")
            let files = Set(try FileManager.default.subpathsOfDirectory(atPath: target.path))
            for expected in [
                "Package.swift", "README.md", ".gitignore", "channel-configs/acme-bank.yaml", "scripts/install-plugin.sh",
                "Sources/AcmeBank/AcmeBankPlugin.swift", "Sources/AcmeBank/PluginEntry.swift",
                "Sources/AcmeBankProtocol/AcmeBankWire.swift", "Sources/AcmeBankProtocol/SHA256.swift",
                "Sources/AcmeBankSimulator/AcmeBankSimulator.swift", "Sources/AcmeBankSim/main.swift",
                "Tests/AcmeBankTests/AcmeBankConformanceTests.swift",
            ] {
                #expect(files.contains(expected), "\(style): \(expected) missing from \(files.sorted())")
            }
            let manifest = try String(contentsOf: target.appendingPathComponent("Package.swift"), encoding: .utf8)
            let kit = BuildProducts.repositoryRoot.appendingPathComponent("Sources/ChannelKit").standardizedFileURL.path
            #expect(manifest.contains(".package(path: channelKitPath)") && manifest.contains("?? \"\(kit)\""), "\(manifest)")
            #expect(!manifest.contains("branch:") && !manifest.contains("url:") && !manifest.contains("{{"), "\(manifest)")
            let wire = try String(contentsOf: target.appendingPathComponent("Sources/AcmeBankProtocol/AcmeBankWire.swift"), encoding: .utf8)
            #expect(wire.lowercased().contains("(\(style) style)"), "\(style): \(wire.prefix(300))")
            let script = try FileManager.default.attributesOfItem(atPath: target.appendingPathComponent("scripts/install-plugin.sh").path)
            #expect((script[.posixPermissions] as? Int).map { $0 & 0o111 != 0 } == true, "install-plugin.sh is not executable")
            // Every file with a PARTNER: mark is in the README's list, and nothing is left of the templates.
            let readme = try String(contentsOf: target.appendingPathComponent("README.md"), encoding: .utf8)
            var marked = 0
            for file in files where !file.hasPrefix(".") {
                guard let text = try? String(contentsOf: target.appendingPathComponent(file), encoding: .utf8) else { continue }
                #expect(!text.contains("{{"), "\(style): \(file) has an unfilled placeholder")
                if text.contains("PARTNER:") && file != "README.md" {
                    marked += 1
                    #expect(readme.contains("`\(file)`"), "\(style): \(file) has PARTNER: marks the README does not list")
                }
            }
            #expect(marked >= 8, "\(style): only \(marked) files are marked PARTNER:")
        }
        // The same directory again: refused, nothing overwritten.
        let before = try String(contentsOf: directory.path("pkg-json/README.md"), encoding: .utf8)
        let again = try await GatewayCtlRunner.run(["plugins", "new", "acme-bank", "--dir", directory.path("pkg-json").path], in: directory)
        #expect(again.status == 1 && again.log.contains("directory_not_empty"), "\(again.log)")
        #expect(try String(contentsOf: directory.path("pkg-json/README.md"), encoding: .utf8) == before)
        for bad in ["Acme", "acme_bank", "1bank", "acme--bank", "channel-kit"] {
            let refused = try await GatewayCtlRunner.run(["plugins", "new", bad, "--dir", directory.path("bad").path], in: directory)
            #expect(refused.status == 64, "\(bad): \(refused.log)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("bad").path))
        // An explicit ChannelKit that is not one is refused with what to do.
        let noKit = try await GatewayCtlRunner.run(
            ["plugins", "new", "acme-bank", "--dir", directory.path("nokit").path, "--channelkit", directory.url.path], in: directory)
        #expect(noKit.status == 1 && noKit.log.contains("channelkit_not_found"), "\(noKit.log)")
    }

    @Test("the json package, unchanged: builds out of tree, passes its tests, installs into a running gateway with gatewayctl plugins install, and pays")
    func generatedPackagePays() async throws {
        let directory = try TestDirectory("scaffold-pays")
        try await Self.generate("json", in: directory)
        try await Self.buildAndTest(in: directory)

        // The package's own script builds the .so (debug here; release by default) and prints its path.
        let built = try await Self.run(
            Self.package.appendingPathComponent("scripts/install-plugin.sh"), ["--debug", "--scratch-path", Self.scratch.path],
            in: directory)
        try #require(built.status == 0, "\(built.log)")
        let plugin = URL(fileURLWithPath: try #require(built.stdout.split(separator: "\n").last.map(String.init)))
        #expect(plugin.lastPathComponent == "libAcmeBank.so")

        // The example bank, and a gateway that has never heard of the plugin.
        let simReady = directory.path("acme-bank-sim.ready")
        let simulator = try ManagedProcess(
            name: "acme-bank-sim", executable: Self.scratch.appendingPathComponent("debug/acme-bank-sim"),
            arguments: ["--port", "0", "--ready-file", simReady.path], environment: ["ACME_BANK_SECRET": Self.bankKey],
            directory: directory)
        struct SimReady: Decodable { let port: Int }
        let port = try await simulator.waitForReadyFile(simReady, as: SimReady.self).port
        let plugins = try directory.subdirectory("plugins")
        let configs = try directory.subdirectory("channel-configs")
        let gateway = try await GatewayProcess.start(
            in: directory, configDirectory: configs, pluginsDirectory: plugins, environment: ["ACME_BANK_SECRET": Self.bankKey])
        do {
            let install = try await GatewayCtlRunner.run(
                ["plugins", "install", plugin.path, "--json", "--admin-url", gateway.adminURL.absoluteString,
                 "--admin-token-file", gateway.adminTokenFile.path], in: directory)
            #expect(install.status == 0, "\(install.log)")
            let installed = ((try? JSONSerialization.jsonObject(with: Data(install.stdout.utf8))) as? [String: Any])?["installed"] as? [String: Any]
            #expect(installed?["id"] as? String == "acme-bank" && installed?["state"] as? String == "started", "\(install.stdout)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: plugins.path).allSatisfy { !$0.contains("ChannelKit") })

            // The example config, pointed at the simulator.
            let example = try String(contentsOf: Self.package.appendingPathComponent("channel-configs/acme-bank.yaml"), encoding: .utf8)
            let config = example.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.hasPrefix("endpoint:") ? "endpoint: http://127.0.0.1:\(port)" : String($0)
            }.joined(separator: "\n")
            try configs.appendingPathComponent("acme-bank.yaml").write(text: config)

            var last = ""
            var bankId: String?
            let paid = try await ChannelOpsStack.eventually(within: .seconds(20)) {
                let result = try await TestHTTP.post(
                    gateway.merchant("/v1/payments"),
                    body: JSONSerialization.data(withJSONObject: [
                        "merchant_order_id": "scaffold-\(UUID().uuidString.prefix(8))", "amount": 12345, "currency": "CNY",
                        "subject": "First tea", "channel": "acme-bank",
                    ]), headers: ["X-Merchant-Id": "m1"])
                last = "\(result.status) \(result.text)"
                bankId = result.string("bank_transaction_id")
                return result.status == 201 && result.string("status") == "succeeded"
            }
            #expect(paid, "no payment succeeded through the generated plugin's channel: \(last)\n\(gateway.readLog().suffix(3000))")
            // The example bank's own id for it: the payment went through the simulator.
            #expect(bankId?.hasPrefix("AB") == true, "\(last)")
        } catch {
            await gateway.terminate()
            _ = await simulator.terminate()
            throw error
        }
        await gateway.terminate()
        _ = await simulator.terminate()
    }

    @Test("the form and xml packages, unchanged, build and pass their tests", arguments: ["form", "xml"])
    func otherStylesPassTheirTests(_ style: String) async throws {
        let directory = try TestDirectory("scaffold-\(style)")
        try await Self.generate(style, in: directory)
        try await Self.buildAndTest(in: directory)
    }
}
