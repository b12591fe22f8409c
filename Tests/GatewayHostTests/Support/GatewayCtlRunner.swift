import Foundation

/// Runs the real `gatewayctl` binary to completion, as a person would from a shell.
enum GatewayCtlRunner {
    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: TestDirectory) async throws
        -> (status: Int32, stdout: String, log: String)
    {
        let process = try ManagedProcess(
            name: "gatewayctl", executable: try BuildProducts.product("gatewayctl"), arguments: arguments,
            environment: environment, directory: directory)
        let status = await process.waitForExit()
        return (status, process.readStdout(), process.readLog())
    }
}
