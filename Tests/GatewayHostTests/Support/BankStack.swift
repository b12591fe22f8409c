import Foundation
import SimulatorSupport

/// What a bank needs in a test stack: its plugin, its simulator and the channel config that joins them.
struct BankSetup: Sendable {
    /// The channel id (and the config file's name).
    var channelId: String
    /// The plugin file in the build's products (`libMinbei.so`).
    var pluginFile: String
    /// The simulator's product name (`minbei-sim`).
    var simulatorProduct: String
    /// The simulator's own options (merchant, keys), before the test's.
    var simulatorArguments: [String]
    /// The channel config for a simulator at this endpoint, with this request timeout.
    var config: @Sendable (_ endpoint: URL, _ requestTimeoutMs: Int) -> String
    /// The gateway's environment (the credentials the config names).
    var environment: [String: String]
}

/// A real bank simulator plus a real `gateway` that loaded the bank's real plugin, wired as `make run` does:
/// the channel config points at the simulator, the credentials come from the environment or files, and (unless
/// a test says otherwise) the gateway's public URL is its own, so the bank's notifications reach it.
final class BankStack {
    struct Ready: Decodable {
        let port: Int
    }

    let setup: BankSetup
    let directory: TestDirectory
    let simulator: ManagedProcess
    let simulatorURL: URL
    var gateway: GatewayProcess
    let configDirectory: URL
    let pluginsDirectory: URL
    let dataDirectory: URL
    let merchantsFile: URL?
    let publicURL: String?
    /// The other banks' simulators behind the same gateway (`alsoBanks`), by channel id.
    private(set) var otherSimulators: [String: (process: ManagedProcess, url: URL)] = [:]
    private let environment: [String: String]

    private init(
        setup: BankSetup, directory: TestDirectory, simulator: ManagedProcess, simulatorURL: URL, gateway: GatewayProcess,
        configDirectory: URL, pluginsDirectory: URL, dataDirectory: URL, merchantsFile: URL?, publicURL: String?,
        otherSimulators: [String: (process: ManagedProcess, url: URL)] = [:], environment: [String: String] = [:]
    ) {
        self.otherSimulators = otherSimulators
        self.environment = environment
        self.setup = setup
        self.directory = directory
        self.simulator = simulator
        self.simulatorURL = simulatorURL
        self.gateway = gateway
        self.configDirectory = configDirectory
        self.pluginsDirectory = pluginsDirectory
        self.dataDirectory = dataDirectory
        self.merchantsFile = merchantsFile
        self.publicURL = publicURL
    }

    /// Starts the simulator (its options, then `simulatorArguments`) and a gateway (`gatewayArguments`);
    /// `alsoBanks` puts more banks, each with its own simulator, behind the same gateway.
    static func start(
        _ setup: BankSetup, label: String, simulatorArguments: [String] = [], gatewayArguments: [String] = [],
        requestTimeoutMs: Int = 1500, publicURL: String? = nil, merchantNotifyURLs: [String: String] = [:],
        directory: TestDirectory? = nil, alsoBanks: [BankSetup] = [], extraConfigs: [String: String] = [:]
    ) async throws -> BankStack {
        let directory = try directory ?? TestDirectory(label)
        let (simulator, simulatorURL) = try await startSimulator(
            setup, in: directory, arguments: ["--notify-delays", "0.3,0.3,0.3,0.3,0.3,0.3"] + simulatorArguments)
        let configs = try directory.subdirectory("channel-configs")
        let plugins = try directory.subdirectory("plugins")
        try plugins.appendingPathComponent(setup.pluginFile).copy(from: try BuildProducts.product(setup.pluginFile))
        try configs.appendingPathComponent("\(setup.channelId).yaml").write(
            text: setup.config(simulatorURL, requestTimeoutMs))
        var others: [String: (process: ManagedProcess, url: URL)] = [:]
        var environment = setup.environment
        for bank in alsoBanks {
            let (process, url) = try await startSimulator(bank, in: directory, arguments: ["--notify-delays", "0.3,0.3,0.3"])
            others[bank.channelId] = (process, url)
            try plugins.appendingPathComponent(bank.pluginFile).copy(from: try BuildProducts.product(bank.pluginFile))
            try configs.appendingPathComponent("\(bank.channelId).yaml").write(text: bank.config(url, requestTimeoutMs))
            environment.merge(bank.environment) { _, new in new }
        }
        for (name, text) in extraConfigs {
            try configs.appendingPathComponent(name).write(text: text)
        }
        let data = try directory.subdirectory("gateway-data")
        let merchantsFile =
            merchantNotifyURLs.isEmpty ? nil : try TestMerchants.writeFile(in: directory, notifyURLs: merchantNotifyURLs)
        let gateway = try await GatewayProcess.start(
            in: directory, configDirectory: configs, pluginsDirectory: plugins, environment: environment,
            publicURL: publicURL, extraArguments: gatewayArguments, dataDirectory: data, merchantsFile: merchantsFile)
        return BankStack(
            setup: setup, directory: directory, simulator: simulator, simulatorURL: simulatorURL, gateway: gateway,
            configDirectory: configs, pluginsDirectory: plugins, dataDirectory: data, merchantsFile: merchantsFile,
            publicURL: publicURL, otherSimulators: others, environment: environment)
    }

    /// Starts a stack, runs `body`, and stops both processes whether `body` succeeded or threw.
    static func with(
        _ setup: BankSetup, label: String, simulatorArguments: [String] = [], gatewayArguments: [String] = [],
        requestTimeoutMs: Int = 1500, publicURL: String? = nil, merchantNotifyURLs: [String: String] = [:],
        alsoBanks: [BankSetup] = [], extraConfigs: [String: String] = [:], _ body: (BankStack) async throws -> Void
    ) async throws {
        let stack = try await start(
            setup, label: label, simulatorArguments: simulatorArguments, gatewayArguments: gatewayArguments,
            requestTimeoutMs: requestTimeoutMs, publicURL: publicURL, merchantNotifyURLs: merchantNotifyURLs,
            alsoBanks: alsoBanks, extraConfigs: extraConfigs)
        try await stopping(stack, stop: { await $0.stop() }, body)
    }

    /// Starts the bank's simulator alone, waiting for its ready file.
    static func startSimulator(_ setup: BankSetup, in directory: TestDirectory, arguments: [String]) async throws -> (
        ManagedProcess, URL
    ) {
        let readyFile = directory.path("\(setup.simulatorProduct)-ready-\(UUID().uuidString.prefix(6)).json")
        let process = try ManagedProcess(
            name: setup.simulatorProduct, executable: try BuildProducts.product(setup.simulatorProduct),
            arguments: ["--host", "127.0.0.1", "--port", "0", "--ready-file", readyFile.path] + setup.simulatorArguments
                + arguments,
            directory: directory)
        let ready = try await process.waitForReadyFile(readyFile, as: Ready.self, timeout: .seconds(30))
        return (process, URL(string: "http://127.0.0.1:\(ready.port)")!)
    }

    /// Restarts the gateway on the same data directory (new ports); `crash` kills it with SIGKILL first.
    func restartGateway(extraArguments: [String] = [], crash: Bool = false) async throws {
        if crash { await gateway.process.killHard() } else { await gateway.terminate() }
        gateway = try await GatewayProcess.start(
            in: directory, configDirectory: configDirectory, pluginsDirectory: pluginsDirectory,
            environment: environment, publicURL: publicURL, extraArguments: extraArguments,
            dataDirectory: dataDirectory, merchantsFile: merchantsFile)
    }

    func stop() async {
        await gateway.terminate()
        await simulator.terminate()
        for (_, other) in otherSimulators { await other.process.terminate() }
    }

    /// `POST /v1/payments` as `merchant` on this stack's channel.
    /// `POST /v1/payments` as `merchant` on this stack's channel, or (`routed`) naming none: the routing decides.
    func pay(_ order: String, amount: Int, subject: String, merchant: String = "m1", routed: Bool = false) async throws
        -> HTTPResult
    {
        var body: [String: Any] = ["merchant_order_id": order, "amount": amount, "currency": "CNY", "subject": subject]
        if !routed { body["channel"] = setup.channelId }
        return try await TestHTTP.post(
            gateway.merchant("/v1/payments"), body: JSONSerialization.data(withJSONObject: body),
            headers: ["X-Merchant-Id": merchant])
    }

    /// `POST /v1/payments/{id}/refunds` as `merchant`.
    func refund(_ paymentId: String, id: String, amount: Int, reason: String = "returned", merchant: String = "m1")
        async throws -> HTTPResult
    {
        try await TestHTTP.post(
            gateway.merchant("/v1/payments/\(paymentId)/refunds"),
            body: JSONSerialization.data(withJSONObject: ["merchant_refund_id": id, "amount": amount, "reason": reason]),
            headers: ["X-Merchant-Id": merchant])
    }

    /// `GET /v1/payments/{id}` as `merchant`.
    func payment(_ id: String, merchant: String = "m1") async throws -> HTTPResult {
        try await TestHTTP.get(gateway.merchant("/v1/payments/\(id)"), headers: ["X-Merchant-Id": merchant])
    }

    /// The simulator's own record of what it received and did, decoded with the simulators' shared types; of
    /// another bank of the stack when `channel` names one.
    func bankRecord(of channel: String? = nil) async throws -> SimRecord {
        let url = channel.flatMap { otherSimulators[$0]?.url } ?? simulatorURL
        return try await TestHTTP.get(url.appendingPathComponent("_sim/record"), signed: false).decode(SimRecord.self)
    }

    /// Moves the simulator's clock to real time + `offset` milliseconds.
    func moveSimulatorClock(to offset: Int64) async throws {
        let answer = try await TestHTTP.post(
            simulatorURL.appendingPathComponent("_sim/clock"), body: Data(#"{"offset_ms":\#(offset)}"#.utf8), signed: false)
        guard answer.status == 200 else { throw HarnessError("sim clock: \(answer.status) \(answer.text)") }
    }
}
