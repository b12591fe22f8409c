import Foundation

/// A real `jiangnan-sim` plus a real `gateway` that loaded the real libJiangnan.so, wired together the way
/// `make run` does: the channel config points at the simulator, the secret comes from an environment
/// variable, and the gateway's public URL is its own merchant URL so the bank's notifications reach it.
final class JiangnanStack {
    static let secretVariable = "JIANGNAN_TEST_SECRET"

    let directory: TestDirectory
    let simulator: SimulatorProcess
    var gateway: GatewayProcess
    let configDirectory: URL
    let pluginsDirectory: URL
    let dataDirectory: URL
    /// The merchants file when the stack was started with default notify URLs (else each start writes one).
    let merchantsFile: URL?

    private init(
        directory: TestDirectory, simulator: SimulatorProcess, gateway: GatewayProcess, configDirectory: URL,
        pluginsDirectory: URL, dataDirectory: URL, merchantsFile: URL? = nil
    ) {
        self.directory = directory
        self.simulator = simulator
        self.gateway = gateway
        self.configDirectory = configDirectory
        self.pluginsDirectory = pluginsDirectory
        self.dataDirectory = dataDirectory
        self.merchantsFile = merchantsFile
    }

    /// Starts both processes. `simulatorArguments` adds simulator options; `gatewayArguments` gateway options;
    /// `merchantNotifyURLs` gives test merchants a default webhook URL (merchant id → URL).
    static func start(
        _ label: String, simulatorArguments: [String] = [], gatewayArguments: [String] = [], requestTimeoutMs: Int = 1500,
        extraConfigs: [String: String] = [:], publicURL: String? = nil, merchantNotifyURLs: [String: String] = [:]
    ) async throws -> JiangnanStack {
        let directory = try TestDirectory(label)
        let simulator = try await SimulatorProcess.start(
            in: directory, extraArguments: ["--notify-delays", "0.3,0.3,0.3,0.3,0.3,0.3,0.3"] + simulatorArguments)
        let configs = try directory.subdirectory("channel-configs")
        let plugins = try directory.subdirectory("plugins")
        try plugins.appendingPathComponent("libJiangnan.so").copy(from: try BuildProducts.product("libJiangnan.so"))
        try configs.appendingPathComponent("jiangnan.yaml").write(
            text: jiangnanConfig(id: "jiangnan", endpoint: simulator.baseURL, requestTimeoutMs: requestTimeoutMs))
        for (name, text) in extraConfigs {
            try configs.appendingPathComponent(name).write(text: text)
        }
        let data = try directory.subdirectory("gateway-data")
        let merchantsFile =
            merchantNotifyURLs.isEmpty ? nil : try TestMerchants.writeFile(in: directory, notifyURLs: merchantNotifyURLs)
        let gateway = try await GatewayProcess.start(
            in: directory, configDirectory: configs, pluginsDirectory: plugins,
            environment: [secretVariable: SimulatorProcess.secret], publicURL: publicURL, extraArguments: gatewayArguments,
            dataDirectory: data, merchantsFile: merchantsFile)
        return JiangnanStack(
            directory: directory, simulator: simulator, gateway: gateway, configDirectory: configs,
            pluginsDirectory: plugins, dataDirectory: data, merchantsFile: merchantsFile)
    }

    /// Restarts the gateway on the same data directory (new ports); `crash` kills it with SIGKILL first.
    func restartGateway(extraArguments: [String] = [], crash: Bool = false) async throws {
        if crash { await gateway.process.killHard() } else { await gateway.terminate() }
        gateway = try await GatewayProcess.start(
            in: directory, configDirectory: configDirectory, pluginsDirectory: pluginsDirectory,
            environment: [Self.secretVariable: SimulatorProcess.secret], publicURL: nil, extraArguments: extraArguments,
            dataDirectory: dataDirectory, merchantsFile: merchantsFile)
    }

    /// Starts a stack, runs `body`, and stops both processes whether `body` succeeded or threw.
    static func with(
        _ label: String, simulatorArguments: [String] = [], gatewayArguments: [String] = [], requestTimeoutMs: Int = 1500,
        extraConfigs: [String: String] = [:], publicURL: String? = nil, merchantNotifyURLs: [String: String] = [:],
        _ body: (JiangnanStack) async throws -> Void
    ) async throws {
        let stack = try await start(
            label, simulatorArguments: simulatorArguments, gatewayArguments: gatewayArguments,
            requestTimeoutMs: requestTimeoutMs, extraConfigs: extraConfigs, publicURL: publicURL,
            merchantNotifyURLs: merchantNotifyURLs)
        try await stopping(stack, stop: { await $0.stop() }, body)
    }

    func stop() async {
        await gateway.terminate()
        await simulator.terminate()
    }

    static func jiangnanConfig(id: String, endpoint: URL, requestTimeoutMs: Int = 1500) -> String {
        """
        id: \(id)
        plugin: jiangnan
        online: true
        endpoint: \(endpoint.absoluteString)
        currencies: [CNY]
        max_amount: 5000000
        timeouts: {connect_ms: 1000, request_ms: \(requestTimeoutMs), download_ms: 10000}
        settings: {merchant_no: \(SimulatorProcess.merchantNumber)}
        credentials:
          secret: {env: \(secretVariable)}

        """
    }

    /// `POST /v1/payments` as merchant `m1`.
    func pay(_ body: [String: Any], merchant: String = "m1") async throws -> HTTPResult {
        try await TestHTTP.post(
            gateway.merchant("/v1/payments"), body: JSONSerialization.data(withJSONObject: body),
            headers: ["X-Merchant-Id": merchant])
    }

    /// The simulator's own record of what it received and did.
    func bankRecord() async throws -> BankRecord {
        try await TestHTTP.get(URL(string: simulator.baseURL.absoluteString + "/_sim/record")!).decode(BankRecord.self)
    }
}

/// The simulator's `/_sim/record`: the bank's truth.
struct BankRecord: Decodable {
    struct Request: Decodable {
        var method: String
        var target: String
        var code: String?
        var out_trade_no: String?
        var out_refund_no: String?
        /// The fault the simulator injected into this request, if any.
        var fault: String?
    }
    struct Payment: Decodable {
        var out_trade_no: String
        var trade_no: String
        var amount: Int64
        var status: String
        var finished_at: String
        var fee: Int64
    }
    struct Refund: Decodable {
        var out_refund_no: String
        var out_trade_no: String
        var refund_no: String
        var refund_amount: Int64
        var status: String
        var finished_at: String
    }
    struct Notification: Decodable {
        var event: String
        var id: String
        var attempt: Int
        var http_status: Int?
        var delivered: Bool
    }
    var requests: [Request]
    var payments: [Payment]
    var refunds: [Refund]
    var notifications: [Notification]
}

/// JSON helpers for untyped answers.
extension HTTPResult {
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    func string(_ key: String) -> String? { json[key] as? String }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
