import Foundation

/// A running `gateway`, started on ephemeral ports with the command line of docs/HELPER-NOTES.md. It writes
/// no configuration itself: the test fills the config and plugins directories first.
final class GatewayProcess {
    /// What the gateway writes to its `--ready-file`.
    struct Ready: Decodable {
        let merchantPort: Int
        let adminPort: Int
        let pid: Int32

        enum CodingKeys: String, CodingKey {
            case merchantPort = "merchant_port"
            case adminPort = "admin_port"
            case pid
        }
    }

    /// The process.
    let process: ManagedProcess
    /// `http://127.0.0.1:<merchant_port>`.
    let merchantURL: URL
    /// `http://127.0.0.1:<admin_port>`.
    let adminURL: URL
    /// The admin bearer token the gateway was started with (its `--admin-tokens` file names it `tests`).
    let adminToken: String
    /// A file holding `adminToken`, for `gatewayctl --admin-token-file`.
    let adminTokenFile: URL

    /// The `Authorization` header of an admin request.
    var adminHeaders: [String: String] { ["Authorization": "Bearer \(adminToken)"] }

    private init(process: ManagedProcess, ready: Ready, adminToken: String, adminTokenFile: URL) {
        self.process = process
        self.adminToken = adminToken
        self.adminTokenFile = adminTokenFile
        merchantURL = URL(string: "http://127.0.0.1:\(ready.merchantPort)")!
        adminURL = URL(string: "http://127.0.0.1:\(ready.adminPort)")!
        APICoverageLog.gatewayStarted(merchantPort: ready.merchantPort, adminPort: ready.adminPort)
    }

    /// Starts `gateway` and waits for its ready file. The data dir is `<directory>/gateway-data`.
    /// `publicURL` only ends up in notify URLs given to banks; the default points at the discard port.
    static func start(
        in directory: TestDirectory, configDirectory: URL, pluginsDirectory: URL,
        environment: [String: String] = [:], publicURL: String? = "http://127.0.0.1:9",
        extraArguments: [String] = [], dataDirectory: URL? = nil, merchantsFile: URL? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> GatewayProcess {
        let dataDirectory = try dataDirectory ?? directory.subdirectory("gateway-data")
        let merchantsFile = try merchantsFile ?? TestMerchants.writeFile(in: directory)
        // An admin token of its own: the admin API refuses every /admin/ request without one.
        let adminToken = "admin-" + UUID().uuidString + UUID().uuidString
        // Files of its own: several gateways may run in one test directory.
        let tag = UUID().uuidString.prefix(8)
        let adminTokenFile = directory.path("admin-token-\(tag)")
        try adminTokenFile.write(text: adminToken + "\n")
        let tokensFile = directory.path("admin-tokens-\(tag).yaml")
        try tokensFile.write(text: "tokens:\n  - name: tests\n    token_file: \(adminTokenFile.path)\n")
        // `--port 0` picks a free port before binding it (the notify URL must be known first), so a test running
        // beside many others can lose the port to another process in between: start again on a new one.
        var attempt = 1
        while true {
            let readyFile = directory.path("gateway-ready-\(UUID().uuidString.prefix(6)).json")
            let process = try ManagedProcess(
                name: "gateway", executable: try BuildProducts.product("gateway"),
                arguments: [
                    "--config-dir", configDirectory.path, "--plugins-dir", pluginsDirectory.path,
                    "--data-dir", dataDirectory.path,
                    "--host", "127.0.0.1", "--port", "0", "--admin-host", "127.0.0.1", "--admin-port", "0",
                    "--ready-file", readyFile.path, "--merchants", merchantsFile.path, "--admin-tokens", tokensFile.path,
                ] + (publicURL.map { ["--public-url", $0] } ?? []) + extraArguments,
                environment: TestMerchants.environment.merging(environment) { _, new in new }, directory: directory)
            do {
                let ready = try await process.waitForReadyFile(readyFile, as: Ready.self, timeout: timeout)
                return GatewayProcess(process: process, ready: ready, adminToken: adminToken, adminTokenFile: adminTokenFile)
            } catch {
                guard attempt < 3, process.exitStatus != nil, process.readLog().contains("Address already in use") else {
                    throw error
                }
                attempt += 1
            }
        }
    }

    /// The merchant API URL for `path` (e.g. `/v1/payments`).
    func merchant(_ path: String) -> URL { URL(string: merchantURL.absoluteString + path)! }

    /// The admin API URL for `path` (e.g. `/admin/channels`).
    func admin(_ path: String) -> URL { URL(string: adminURL.absoluteString + path)! }

    /// Stops the gateway with SIGTERM (SIGKILL after a grace period); returns its exit status.
    @discardableResult
    func terminate() async -> Int32 {
        APICoverageLog.gatewayStopped(merchantPort: merchantURL.port!, adminPort: adminURL.port!)
        return await process.terminate()
    }

    /// Its stdout and stderr so far.
    func readLog() -> String { process.readLog() }
}
