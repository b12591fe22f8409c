import Foundation
import GatewayAPI
import Testing

/// Config errors name the file and the key; that channel stays out and the others start.
/// No credential from a config ever shows up in the logs or in any API output.
@Suite("Channel configs")
struct ChannelConfigTests {
    static let inlineSecret = "inline-secret-value-77f1c2"
    static let fileSecret = "wrong-file-secret-9a8b7c6d"

    @Test("bad config files are reported with file and key; the good channel serves")
    func configErrors() async throws {
        let base = { (id: String) in JiangnanStack.jiangnanConfig(id: id, endpoint: URL(string: "http://127.0.0.1:9")!) }
        let bad: [String: String] = [
            "a-unknown-key.yaml": base("a-unknown-key") + "colour: blue\n",
            "b-wrong-type.yaml": base("b-wrong-type").replacingOccurrences(of: "online: true", with: "online: \"yes\""),
            "c-missing-key.yaml": base("c-missing-key").replacingOccurrences(of: "endpoint: http://127.0.0.1:9\n", with: ""),
            "d-unknown-plugin.yaml": base("d-unknown-plugin").replacingOccurrences(of: "plugin: jiangnan", with: "plugin: nosuch"),
            "e-inline-secret.yaml": base("e-inline-secret").replacingOccurrences(
                of: "secret: {env: \(JiangnanStack.secretVariable)}", with: "secret: \(Self.inlineSecret)"),
            "f-missing-setting.yaml": base("f-missing-setting").replacingOccurrences(
                of: "settings: {merchant_no: JN8800001}", with: "settings: {}"),
            "g-unset-env.yaml": base("g-unset-env").replacingOccurrences(
                of: "{env: \(JiangnanStack.secretVariable)}", with: "{env: NO_SUCH_VARIABLE_SET}"),
            "h-bad-currency.yaml": base("h-bad-currency").replacingOccurrences(of: "[CNY]", with: "[CNY, ZZZ]"),
            "i-timeouts.yaml": base("i-timeouts").replacingOccurrences(of: "request_ms: 1500", with: "request_ms: soon"),
            "j-not-yaml.yaml": "id: [unclosed\n",
        ]
        let expected: [String: String?] = [
            "a-unknown-key.yaml": "colour", "b-wrong-type.yaml": "online", "c-missing-key.yaml": "endpoint",
            "d-unknown-plugin.yaml": "plugin", "e-inline-secret.yaml": "credentials.secret",
            "f-missing-setting.yaml": "settings.merchant_no", "g-unset-env.yaml": "credentials.secret.env",
            "h-bad-currency.yaml": "currencies[1]", "i-timeouts.yaml": "timeouts.request_ms", "j-not-yaml.yaml": nil,
        ]
        try await JiangnanStack.with("config-errors", extraConfigs: bad) { stack in

            let view = try await TestHTTP.get(stack.gateway.admin("/admin/channels"), headers: stack.gateway.adminHeaders).decode(AdminChannelsResponse.self)
            #expect(view.channels.map(\.id) == ["jiangnan"])
            #expect(view.channels.first?.state == .ready)
            for (file, key) in expected {
                let error = view.configErrors.first { $0.file == file }
                #expect(error != nil, "\(file) not reported")
                #expect(error?.key == key, "\(file): key \(String(describing: error?.key)) \(error?.message ?? "")")
                #expect(error?.message.isEmpty == false)
            }
            #expect(view.configErrors.first { $0.file == "d-unknown-plugin.yaml" }?.message.contains("nosuch") == true)
            let log = stack.gateway.readLog()
            #expect(log.contains("a-unknown-key.yaml") && log.contains("colour"), "the log names file and key")
            #expect(!log.contains(Self.inlineSecret))
            #expect(!(try await TestHTTP.get(stack.gateway.admin("/admin/channels"), headers: stack.gateway.adminHeaders)).text.contains(Self.inlineSecret))

            let paid = try await stack.pay(["merchant_order_id": "cfg-1", "amount": 100, "currency": "CNY", "subject": "Tea"])
            #expect(paid.string("status") == "succeeded", "\(paid.text)")
            #expect(paid.string("channel") == "jiangnan")
        }
    }

    @Test("no secret from channel configs appears in the logs or any API output")
    func secretsNeverLeak() async throws {
        let directory = try TestDirectory("secret-file")
        let secretFile = directory.path("wrong-secret.txt")
        try secretFile.write(text: Self.fileSecret + "\n")
        let fileConfig = JiangnanStack.jiangnanConfig(id: "jiangnan-file", endpoint: URL(string: "http://127.0.0.1:9")!)
            .replacingOccurrences(of: "{env: \(JiangnanStack.secretVariable)}", with: "{file: \(secretFile.path)}")
        try await JiangnanStack.with("secrets", extraConfigs: ["file.yaml": fileConfig]) { stack in
            // The file-secret channel points at the simulator too, so its wrong secret is really used (and refused).
            let configText = fileConfig.replacingOccurrences(of: "http://127.0.0.1:9", with: stack.simulator.baseURL.absoluteString)
            try stack.configDirectory.appendingPathComponent("file.yaml").write(text: configText)
            try await stack.restartGateway()

            var outputs: [String] = []
            let view = try await TestHTTP.get(stack.gateway.admin("/admin/channels"), headers: stack.gateway.adminHeaders)
            outputs.append(view.text)
            let parsed = try view.decode(AdminChannelsResponse.self)
            #expect(parsed.channels.first { $0.id == "jiangnan-file" }?.state == .misconfigured)
            outputs.append(try await TestHTTP.get(stack.gateway.admin("/healthz"), headers: stack.gateway.adminHeaders).text)
            let paid = try await stack.pay(["merchant_order_id": "s-1", "amount": 100, "currency": "CNY", "subject": "Tea", "channel": "jiangnan"])
            outputs.append(paid.text)
            let id = try #require(paid.string("id"))
            outputs.append(try await TestHTTP.get(stack.gateway.merchant("/v1/payments/\(id)"), headers: ["X-Merchant-Id": "m1"]).text)
            outputs.append(
                try await TestHTTP.post(
                    stack.gateway.merchant("/v1/payments/\(id)/refunds"),
                    body: Data(#"{"merchant_refund_id":"s-r1","amount":10}"#.utf8), headers: ["X-Merchant-Id": "m1"]
                ).text)
            outputs.append(try await stack.pay(["merchant_order_id": "s-2", "amount": 100, "currency": "CNY", "subject": "Tea", "channel": "jiangnan-file"]).text)
            outputs.append(try await TestHTTP.post(stack.gateway.merchant("/v1/notify/jiangnan"), body: Data("{}".utf8)).text)
            try await Task.sleep(for: .milliseconds(500))
            let logs = stack.gateway.readLog()
            #expect(logs.contains("jiangnan-file"), "the log mentions the misconfigured channel")
            for secret in [SimulatorProcess.secret, Self.fileSecret] {
                #expect(!logs.contains(secret), "secret in the gateway log")
                for output in outputs { #expect(!output.contains(secret), "secret in an API answer: \(output)") }
            }
        }
    }
}
