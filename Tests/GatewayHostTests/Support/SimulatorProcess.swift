import Foundation

/// A running `jiangnan-sim` on an ephemeral port, knowing merchant `JN8800001` with the demo secret.
final class SimulatorProcess {
    /// What the simulator writes to its `--ready-file`.
    struct Ready: Decodable {
        let event: String
        let host: String
        let port: Int
    }

    /// The merchant number the simulator knows.
    static let merchantNumber = "JN8800001"
    /// That merchant's signing secret.
    static let secret = "jn-demo-secret-0001"

    /// The process.
    let process: ManagedProcess
    /// `http://127.0.0.1:<port>`.
    let baseURL: URL

    private init(process: ManagedProcess, port: Int) {
        self.process = process
        baseURL = URL(string: "http://127.0.0.1:\(port)")!
    }

    /// Starts the simulator and waits until it listens; `extraArguments` adds options such as
    /// `--processing-delay-ms`.
    static func start(in directory: TestDirectory, extraArguments: [String] = []) async throws -> SimulatorProcess {
        let readyFile = directory.path("jiangnan-sim-ready-\(UUID().uuidString.prefix(6)).json")
        let process = try ManagedProcess(
            name: "jiangnan-sim", executable: try BuildProducts.product("jiangnan-sim"),
            arguments: [
                "--host", "127.0.0.1", "--port", "0", "--merchant", "\(merchantNumber)=\(secret)",
                "--ready-file", readyFile.path,
            ] + extraArguments,
            directory: directory)
        let ready = try await process.waitForReadyFile(readyFile, as: Ready.self, timeout: .seconds(30))
        return SimulatorProcess(process: process, port: ready.port)
    }

    /// Stops the simulator.
    @discardableResult
    func terminate() async -> Int32 { await process.terminate() }
}
