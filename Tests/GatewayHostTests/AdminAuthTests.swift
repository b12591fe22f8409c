import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@testable import GatewayHost

/// The admin API's bearer tokens: everything under /admin/ needs one of the gateway's `--admin-tokens`;
/// /healthz and /metrics stay open. A refused request changes nothing; gatewayctl says what to do (exit 5).
@Suite("Admin API tokens")
struct AdminAuthTests {
    @Test("admin requests without a valid token get 401 and change nothing; health and metrics stay open")
    func refusedWithoutAToken() async throws {
        try await JiangnanStack.with("admin-auth") { stack in
            let gateway = stack.gateway
            let refusals: [([String: String], String)] = [
                ([:], "admin_token_required"),
                (["Authorization": "Bearer not-a-token-of-this-gateway-0000000000"], "invalid_admin_token"),
                (["Authorization": "Basic \(Data("tests:\(gateway.adminToken)".utf8).base64EncodedString())"], "invalid_admin_token"),
                (["Authorization": "Bearer"], "invalid_admin_token"),
            ]
            for (headers, code) in refusals {
                let answer = try await TestHTTP.get(gateway.admin("/admin/channels"), headers: headers, signed: false)
                #expect(answer.status == 401, "\(headers): \(answer.text)")
                #expect(answer.errorCode == code, "\(headers): \(answer.text)")
                #expect(!answer.text.contains("\"channels\""), "no channel data without a token: \(answer.text)")
            }
            // The one admin route that writes (a statement download into the data directory) writes nothing.
            let statements = stack.dataDirectory.appendingPathComponent("statements")
            let refused = try await TestHTTP.post(
                gateway.admin("/admin/channels/jiangnan/statements?date=2026-11-24"), body: Data(), signed: false)
            #expect(refused.status == 401, "\(refused.text)")
            #expect(!FileManager.default.fileExists(atPath: statements.path), "a refused request wrote \(statements.path)")

            // Every route that changes something: refused without a token, and the files and the channel are
            // exactly as before.
            let configFile = stack.configDirectory.appendingPathComponent("jiangnan.yaml")
            let configBefore = try Data(contentsOf: configFile)
            let pluginFilesBefore = try FileManager.default.contentsOfDirectory(atPath: stack.pluginsDirectory.path).sorted()
            let channelBefore = try await TestHTTP.get(gateway.admin("/admin/channels/jiangnan"), headers: gateway.adminHeaders).json
            let fixture = try BuildProducts.fixture("libPartnerBank.so").path
            let writes: [(String, [String: Any])] = [
                ("/admin/channels/jiangnan/offline", ["reason": "not allowed"]), ("/admin/channels/jiangnan/online", [:]),
                ("/admin/channels/jiangnan/retire", [:]), ("/admin/config/reload", [:]), ("/admin/plugins/rescan", [:]),
                ("/admin/plugins/install", ["path": fixture]), ("/admin/plugins/jiangnan/use", ["version": "2.0.0"]),
            ]
            for (path, body) in writes {
                for (headers, code) in refusals.prefix(2) {
                    let answer = try await TestHTTP.post(
                        gateway.admin(path), body: try JSONSerialization.data(withJSONObject: body), headers: headers, signed: false)
                    #expect(answer.status == 401 && answer.errorCode == code, "\(path) \(headers): \(answer.text)")
                }
            }
            #expect(try Data(contentsOf: configFile) == configBefore, "a refused request changed the channel's file")
            #expect(try FileManager.default.contentsOfDirectory(atPath: stack.pluginsDirectory.path).sorted() == pluginFilesBefore)
            let channelAfter = try await TestHTTP.get(gateway.admin("/admin/channels/jiangnan"), headers: gateway.adminHeaders).json
            for key in ["online", "retired", "state", "plugin_version", "endpoint"] {
                #expect("\(channelAfter[key] ?? "-")" == "\(channelBefore[key] ?? "-")", "\(key) changed")
            }

            #expect(try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders).status == 200)
            #expect(try await TestHTTP.get(gateway.admin("/healthz"), signed: false).status == 200)
            #expect(try await TestHTTP.get(gateway.admin("/metrics"), signed: false).status == 200)
            // The log names the token ("who"), never its value.
            try await Task.sleep(for: .milliseconds(200))
            let log = gateway.readLog()
            #expect(log.contains("admin_token=tests"), "\(log.suffix(1500))")
            #expect(!log.contains(gateway.adminToken))
        }
    }

    @Test("gatewayctl: no token or a wrong one exits 5 saying what to do; the token from a file or the environment works")
    func gatewayctlTokens() async throws {
        try await JiangnanStack.with("admin-auth-ctl") { stack in
            let gateway = stack.gateway
            let url = ["--admin-url", gateway.adminURL.absoluteString]
            let none = try await GatewayCtlRunner.run(["channels"] + url, in: stack.directory)
            #expect(none.status == 5, "\(none.log)")
            #expect(none.log.contains("401") && none.log.contains("--admin-token-file"), "\(none.log)")
            let wrong = try await GatewayCtlRunner.run(
                ["channels"] + url, environment: ["GATEWAY_ADMIN_TOKEN": "wrong-token-wrong-token-wrong-token"], in: stack.directory)
            #expect(wrong.status == 5, "\(wrong.log)")
            #expect(wrong.log.contains("invalid_admin_token"), "\(wrong.log)")
            #expect(!wrong.log.contains(gateway.adminToken))
            let fromEnvironment = try await GatewayCtlRunner.run(
                ["channels", "--json"] + url, environment: ["GATEWAY_ADMIN_TOKEN": gateway.adminToken], in: stack.directory)
            #expect(fromEnvironment.status == 0, "\(fromEnvironment.log)")
            #expect((try? JSONSerialization.jsonObject(with: Data(fromEnvironment.stdout.utf8))) != nil, "\(fromEnvironment.stdout)")
            let fromFile = try await GatewayCtlRunner.run(
                ["channels"] + url, environment: ["GATEWAY_ADMIN_TOKEN_FILE": gateway.adminTokenFile.path], in: stack.directory)
            #expect(fromFile.status == 0, "\(fromFile.log)")
            #expect(!fromFile.stdout.contains(gateway.adminToken))
            // health reads /healthz, which needs no token.
            #expect(try await GatewayCtlRunner.run(["health"] + url, in: stack.directory).status == 0)
        }
    }

    @Test("--admin-socket: the admin API on a Unix socket only its user may open, still behind tokens; gatewayctl unix:PATH")
    func unixSocket() async throws {
        let directory = try TestDirectory("admin-socket")
        let configs = try directory.subdirectory("channel-configs")
        let plugins = try directory.subdirectory("plugins")
        // Short: a Unix socket path has at most 107 bytes.
        let socket = "/tmp/gw-admin-\(UUID().uuidString.prefix(8)).sock"
        let gateway = try await GatewayProcess.start(
            in: directory, configDirectory: configs, pluginsDirectory: plugins, extraArguments: ["--admin-socket", socket])
        defer { unlink(socket) }
        var info = stat()
        #expect(stat(socket, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK, "no socket at \(socket)")
        #expect(info.st_mode & 0o777 == 0o600, "socket mode \(String(info.st_mode & 0o777, radix: 8))")
        let url = "unix:\(socket)"
        let health = try await GatewayCtlRunner.run(["health", "--admin-url", url], in: directory)
        #expect(health.status == 0, "\(health.log)")
        let listed = try await GatewayCtlRunner.run(
            ["channels", "list", "--json", "--admin-url", url, "--admin-token-file", gateway.adminTokenFile.path], in: directory)
        #expect(listed.status == 0 && listed.stdout.contains("\"channels\""), "\(listed.log)")
        let refused = try await GatewayCtlRunner.run(["channels", "list", "--admin-url", url], in: directory)
        #expect(refused.status == 5, "\(refused.log)")
        await gateway.terminate()
        let down = try await GatewayCtlRunner.run(["health", "--admin-url", url], in: directory)
        #expect(down.status == 3 && down.log.contains("unix:\(socket)"), "\(down.log)")
    }

    @Test("the tokens file: names, env or file values of 32+ characters; errors name the key, never the token")
    func tokensFile() throws {
        let directory = try TestDirectory("admin-tokens")
        let long = String(repeating: "k", count: 40)
        let tokenFile = directory.path("bot.token")
        try tokenFile.write(text: "  \(long)-bot\n")
        let good = directory.path("good.yaml")
        try good.write(text: "tokens:\n  - name: ops-alice\n    token_env: ALICE\n  - name: deploy-bot\n    token_file: bot.token\n")
        let tokens = try AdminTokens.load(file: good, environment: ["ALICE": long])
        #expect(tokens.names == ["ops-alice", "deploy-bot"])
        #expect(tokens.name(of: long) == "ops-alice")
        #expect(tokens.name(of: "\(long)-bot") == "deploy-bot")
        #expect(tokens.name(of: long + "x") == nil)
        #expect(AdminTokens.none.name(of: long) == nil)

        let bad: [(String, String?)] = [
            ("tokens: []\n", "tokens"),
            ("tokens:\n  - name: a\n    token_env: SHORT\n", "tokens[0]"),
            ("tokens:\n  - name: a\n    token: \(long)\n", "tokens[0].token"),
            ("tokens:\n  - name: a\n    token_env: UNSET\n", "tokens[0].token_env"),
            ("tokens:\n  - name: a\n    token_env: ALICE\n  - name: a\n    token_env: ALICE\n", "tokens[1].name"),
            ("tokens:\n  - name: a b\n    token_env: ALICE\n", "tokens[0].name"),
        ]
        for (index, (text, key)) in bad.enumerated() {
            let file = directory.path("bad-\(index).yaml")
            try file.write(text: text)
            do {
                _ = try AdminTokens.load(file: file, environment: ["ALICE": long, "SHORT": "short"])
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.key == key, "\(text): \(error)")
                #expect(!error.description.contains(long) && !error.description.contains("short\""), "\(error)")
            }
        }
    }
}
