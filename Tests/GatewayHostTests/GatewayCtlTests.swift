import Foundation
import GatewayAPI
import Testing

/// `gatewayctl channels` against the real gateway: the table, `--json`, and a clear failure with exit code 3
/// when the gateway cannot be reached.
@Suite("gatewayctl")
struct GatewayCtlTests {
    func run(_ arguments: [String], in directory: TestDirectory) async throws -> (status: Int32, stdout: String, log: String) {
        let process = try ManagedProcess(
            name: "gatewayctl", executable: try BuildProducts.product("gatewayctl"), arguments: arguments,
            directory: directory)
        let status = await process.waitForExit()
        return (status, process.readStdout(), process.readLog())
    }

    @Test("channels prints the table and --json; an unreachable gateway exits 3 with a clear message")
    func channels() async throws {
        try await JiangnanStack.with("gatewayctl") { stack in
            let admin = stack.gateway.adminURL.absoluteString
            let table = try await run(["channels", "--admin-url", admin], in: stack.directory)
            #expect(table.status == 0, "\(table.log)")
            let row = table.stdout.split(separator: "\n").first { $0.hasPrefix("jiangnan ") || $0.contains(" jiangnan ") }
            #expect(row?.contains("ready") == true, "\(table.stdout)")
            #expect(table.stdout.contains("libJiangnan.so"))

            let json = try await run(["channels", "--json", "--admin-url", admin], in: stack.directory)
            #expect(json.status == 0)
            let decoded = try JSONDecoder().decode(AdminChannelsResponse.self, from: Data(json.stdout.utf8))
            #expect(decoded.channels.first?.id == "jiangnan" && decoded.channels.first?.state == .ready)

            let unreachable = try await run(["channels", "--admin-url", "http://127.0.0.1:9"], in: stack.directory)
            #expect(unreachable.status == 3)
            #expect(unreachable.log.contains("cannot reach the gateway"), "\(unreachable.log)")
        }
    }
}
