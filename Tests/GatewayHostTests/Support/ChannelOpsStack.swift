import Foundation

/// Several Jiangnan channels, each on its own real `jiangnan-sim`, served by one or more real gateways that
/// share one config directory (each with its own ledger): the stage for live channel operations.
final class ChannelOpsStack {
    let directory: TestDirectory
    /// The bank of each channel id (and spare ones an endpoint can be moved to).
    let simulators: [String: SimulatorProcess]
    let configDirectory: URL
    let pluginsDirectory: URL
    private(set) var gateways: [GatewayProcess] = []
    /// The merchants file every gateway of the stack reads (written by the test), or nil: each its own.
    var merchantsFile: URL?

    private init(directory: TestDirectory, simulators: [String: SimulatorProcess], configDirectory: URL, pluginsDirectory: URL) {
        self.directory = directory
        self.simulators = simulators
        self.configDirectory = configDirectory
        self.pluginsDirectory = pluginsDirectory
    }

    /// Starts a simulator per name in `banks`, writes a config for each of `channels` (pointing at the
    /// simulator of the same name) and starts `gateways` gateways with `gatewayArguments`.
    static func start(
        _ label: String, channels: [String] = ["x", "y"], spareBanks: [String] = [], gateways: Int = 1,
        gatewayArguments: [String] = [], processingDelayMs: Int = 1500, merchantsFile: ((TestDirectory) throws -> URL)? = nil
    ) async throws -> ChannelOpsStack {
        let directory = try TestDirectory(label)
        var simulators: [String: SimulatorProcess] = [:]
        for name in channels + spareBanks {
            simulators[name] = try await SimulatorProcess.start(
                in: directory, extraArguments: ["--processing-delay-ms", "\(processingDelayMs)", "--notify-delays", "60"])
        }
        let configs = try directory.subdirectory("channel-configs")
        let plugins = try directory.subdirectory("plugins")
        try plugins.appendingPathComponent("libJiangnan.so").copy(from: try BuildProducts.product("libJiangnan.so"))
        for name in channels {
            try configs.appendingPathComponent("\(name).yaml").write(text: config(id: name, endpoint: simulators[name]!.baseURL))
        }
        let stack = ChannelOpsStack(directory: directory, simulators: simulators, configDirectory: configs, pluginsDirectory: plugins)
        stack.merchantsFile = try merchantsFile?(directory)
        for _ in 0..<gateways { try await stack.startGateway(extraArguments: gatewayArguments) }
        return stack
    }

    static func with(
        _ label: String, channels: [String] = ["x", "y"], spareBanks: [String] = [], gateways: Int = 1,
        gatewayArguments: [String] = [], processingDelayMs: Int = 1500,
        merchantsFile: ((TestDirectory) throws -> URL)? = nil, _ body: (ChannelOpsStack) async throws -> Void
    ) async throws {
        let stack = try await start(
            label, channels: channels, spareBanks: spareBanks, gateways: gateways, gatewayArguments: gatewayArguments,
            processingDelayMs: processingDelayMs, merchantsFile: merchantsFile)
        try await stopping(stack, stop: { await $0.stop() }, body)
    }

    /// Stops gateway `index` and starts it again on the same ledger (new ports).
    func restartGateway(_ index: Int, extraArguments: [String] = []) async throws {
        await gateways[index].terminate()
        gateways[index] = try await launch(data: try directory.subdirectory("gateway-data-\(index)"), extraArguments: extraArguments)
    }

    /// Starts one more gateway on the shared config and plugins directories, with a ledger of its own.
    @discardableResult
    func startGateway(extraArguments: [String] = []) async throws -> GatewayProcess {
        let gateway = try await launch(data: try directory.subdirectory("gateway-data-\(gateways.count)"), extraArguments: extraArguments)
        gateways.append(gateway)
        return gateway
    }

    private func launch(data: URL, extraArguments: [String]) async throws -> GatewayProcess {
        try await GatewayProcess.start(
            in: directory, configDirectory: configDirectory, pluginsDirectory: pluginsDirectory,
            environment: [JiangnanStack.secretVariable: SimulatorProcess.secret],
            extraArguments: ["--recovery-schedule", "1,1,2"] + extraArguments, dataDirectory: data,
            merchantsFile: merchantsFile)
    }

    func stop() async {
        for gateway in gateways { await gateway.terminate() }
        for simulator in simulators.values { await simulator.terminate() }
    }

    /// A channel config with comments and a layout that a live edit must keep.
    static func config(id: String, endpoint: URL) -> String {
        """
        # Channel \(id): the Jiangnan bank (simulated).
        id: \(id)
        plugin: jiangnan

        # Ops toggle this with `gatewayctl channels offline|online`.
        online: true
        endpoint: \(endpoint.absoluteString)   # the bank's API
        currencies: [CNY]
        max_amount: 5000000
        timeouts: {connect_ms: 2000, request_ms: 8000, download_ms: 10000}
        settings: {merchant_no: \(SimulatorProcess.merchantNumber)}
        credentials:
          # never inline: the secret comes from the environment
          secret: {env: \(JiangnanStack.secretVariable)}

        """
    }

    func configFile(_ id: String) -> URL { configDirectory.appendingPathComponent("\(id).yaml") }

    func configText(_ id: String) throws -> String { try String(contentsOf: configFile(id), encoding: .utf8) }

    /// Rewrites a config file as a person with an editor would (atomically: a temp file and a rename).
    func edit(_ id: String, _ change: (String) -> String) throws {
        let text = change(try configText(id))
        let temporary = configDirectory.appendingPathComponent(".\(id).yaml.swp")
        try text.write(to: temporary, atomically: false, encoding: .utf8)
        _ = rename(temporary.path, configFile(id).path)
    }

    /// `POST /v1/payments` as merchant `m1` on `gateway`.
    func pay(
        _ gateway: GatewayProcess, order: String, channel: String? = nil, subject: String = "ops test", amount: Int = 100
    ) async throws -> HTTPResult {
        var body: [String: Any] = ["merchant_order_id": order, "amount": amount, "currency": "CNY", "subject": subject]
        if let channel { body["channel"] = channel }
        return try await TestHTTP.post(
            gateway.merchant("/v1/payments"), body: JSONSerialization.data(withJSONObject: body),
            headers: ["X-Merchant-Id": "m1"])
    }

    /// How many pay requests the bank `name` has received (its own record).
    func payRequests(_ name: String) async throws -> Int {
        try await paidTransactions(name).count
    }

    /// The transaction ids of the pay requests the bank `name` has received, in order (its own record).
    func paidTransactions(_ name: String) async throws -> [String] {
        let record = try await TestHTTP.get(URL(string: simulators[name]!.baseURL.absoluteString + "/_sim/record")!)
            .decode(BankRecord.self)
        return record.requests.filter { $0.target.hasSuffix("/pay") }.compactMap(\.out_trade_no)
    }

    /// `gatewayctl ARGS --admin-url … --admin-token-file …` against `gateway`.
    func gatewayctl(_ arguments: [String], gateway: GatewayProcess) async throws -> (status: Int32, stdout: String, log: String) {
        try await GatewayCtlRunner.run(
            arguments + ["--admin-url", gateway.adminURL.absoluteString, "--admin-token-file", gateway.adminTokenFile.path],
            in: directory)
    }

    /// The gateway's channel `id` as the admin API shows it.
    func adminChannel(_ id: String, on gateway: GatewayProcess) async throws -> [String: Any] {
        try await TestHTTP.get(gateway.admin("/admin/channels/\(id)"), headers: gateway.adminHeaders).json
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
    static func eventually(within timeout: Duration, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }
}
