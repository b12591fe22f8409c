import Foundation
import Testing

/// schemathesis (from PyPI, installed by `scripts/install-deps.sh --test` into .build/venv) fuzzes the live
/// gateway from docs/openapi.yaml: no 5xx, no answer outside the documented statuses, content types and
/// schemas.
@Suite("schemathesis against the live gateway")
struct SchemathesisTests {
    @Test("no 5xx and no response that violates docs/openapi.yaml")
    func fuzzMerchantAPI() async throws {
        let executable = BuildProducts.repositoryRoot.appendingPathComponent(".build/venv/bin/schemathesis")
        try #require(
            FileManager.default.isExecutableFile(atPath: executable.path),
            "schemathesis is not installed: run `scripts/install-deps.sh --test` (make test does)")
        try await JiangnanStack.with("schemathesis") { stack in
            let output = stack.directory.path("schemathesis.log")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            let process = Process()
            process.executableURL = executable
            process.arguments = [
                "run", BuildProducts.repositoryRoot.appendingPathComponent("docs/openapi.yaml").path,
                "--url", stack.gateway.merchantURL.absoluteString,
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance",
                "--max-examples", "25", "--workers", "1", "--request-timeout", "15", "--no-color",
                "--seed", "20261125",
            ]
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"], uniquingKeysWith: { $1 })
            process.currentDirectoryURL = stack.directory.url
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            while process.isRunning { try await Task.sleep(for: .milliseconds(200)) }
            try handle.close()
            let log = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "schemathesis found problems:\n\(log.suffix(6000))")
            #expect(log.contains("/v1/payments"), "schemathesis tested nothing:\n\(log.suffix(2000))")
            #expect(!stack.gateway.readLog().contains("unexpected error"))
        }
    }
}
