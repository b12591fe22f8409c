import Foundation
import Testing
import Yams

/// schemathesis (from PyPI, installed by `scripts/install-deps.sh --test` into .build/venv) fuzzes the live
/// gateway from docs/openapi.yaml: no 5xx, no answer outside the documented statuses, content types, headers
/// and schemas, and authentication enforced on every operation that declares it (`ignored_auth`).
///
/// Every request is signed as merchant `m1` by scripts/schemathesis_hooks.py (a `requests` auth over the
/// exact bytes sent), so the fuzzing reaches the real API rather than the authentication layer. To make
/// sure of that, the hooks fail any signed request answered 401 (`merchant_signature_accepted`) and log every
/// request; this test then requires a signed 2xx from every merchant operation, and a 401 for every request
/// schemathesis sent unsigned on purpose.
@Suite("schemathesis against the live gateway")
struct SchemathesisTests {
    /// One line of the hooks' report.
    struct Sent: Decodable {
        var operation: String
        var mode: String
        var status: Int
        var signed: Bool
        var code: String
        var message: String
    }

    static let merchant = "m1"

    @Test("no 5xx and no response that violates docs/openapi.yaml; every operation reached with a signed request")
    func fuzzMerchantAPI() async throws {
        let executable = BuildProducts.repositoryRoot.appendingPathComponent(".build/venv/bin/schemathesis")
        try #require(
            FileManager.default.isExecutableFile(atPath: executable.path),
            "schemathesis is not installed: run `scripts/install-deps.sh --test` (make test does)")
        let secret = try #require(TestMerchants.secrets[Self.merchant])
        let signedOperations = try Self.signedOperations()
        try #require(signedOperations.count >= 9, "docs/openapi.yaml declares \(signedOperations.sorted())")
        try await JiangnanStack.with("schemathesis") { stack in
            let output = stack.directory.path("schemathesis.log")
            let report = stack.directory.path("schemathesis-requests.jsonl")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            let process = Process()
            process.executableURL = executable
            process.arguments = [
                "run", BuildProducts.repositoryRoot.appendingPathComponent("docs/openapi.yaml").path,
                "--url", stack.gateway.merchantURL.absoluteString,
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
                    + "response_headers_conformance,ignored_auth,merchant_signature_accepted",
                "--max-examples", "25", "--workers", "1", "--request-timeout", "15", "--no-color",
                "--seed", "20261125",
            ]
            process.environment = ProcessInfo.processInfo.environment.merging(
                [
                    "SCHEMATHESIS_HOOKS": BuildProducts.repositoryRoot.appendingPathComponent("scripts/schemathesis_hooks.py").path,
                    "GATEWAY_SCHEMATHESIS_MERCHANT_ID": Self.merchant,
                    "GATEWAY_SCHEMATHESIS_SECRET_ENV": TestMerchants.variable(Self.merchant),
                    TestMerchants.variable(Self.merchant): secret,
                    "GATEWAY_SCHEMATHESIS_REPORT": report.path,
                    "NO_COLOR": "1",
                ], uniquingKeysWith: { $1 })
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

            let sent = try Self.read(report)
            #expect(sent.count >= 300, "only \(sent.count) requests were sent:\n\(log.suffix(2000))")
            // A signed request refused as unauthenticated means the fuzzing tested the signature, not the API.
            let refused = sent.filter { $0.signed && $0.status == 401 }
            #expect(refused.isEmpty, "signed requests answered 401: \(refused.prefix(5).map { "\($0.operation) \($0.code)" })")
            // Every merchant operation did real work at least once.
            let reached = Set(sent.filter { $0.signed && (200..<300).contains($0.status) }.map(\.operation))
            #expect(
                signedOperations.subtracting(reached).isEmpty,
                "never answered 2xx to a signed request: \(signedOperations.subtracting(reached).sorted())\n\(Self.summary(sent))")
            // What schemathesis sent unsigned on purpose (its negative tests of the security headers) was refused.
            let unsignedAccepted = sent.filter { !$0.signed && signedOperations.contains($0.operation) && $0.status != 401 }
            #expect(
                unsignedAccepted.isEmpty,
                "unsigned requests not refused: \(unsignedAccepted.prefix(5).map { "\($0.operation) \($0.status) \($0.code)" })")
        }
    }

    /// `METHOD /path` of every operation in docs/openapi.yaml that requires the merchant signature (all
    /// but those with `security: []`).
    static func signedOperations() throws -> Set<String> {
        let url = BuildProducts.repositoryRoot.appendingPathComponent("docs/openapi.yaml")
        let document = try #require(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var operations: Set<String> = []
        for (path, item) in paths {
            for (method, operation) in item as? [String: Any] ?? [:]
            where ["get", "post", "put", "patch", "delete"].contains(method) {
                if let security = (operation as? [String: Any])?["security"] as? [Any], security.isEmpty { continue }
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    static func read(_ report: URL) throws -> [Sent] {
        let text = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Sent.self, from: Data($0.utf8)) }
    }

    /// Counts per operation, status and signed-ness, for failure messages.
    static func summary(_ sent: [Sent]) -> String {
        var counts: [String: Int] = [:]
        for request in sent {
            counts["\(request.operation) \(request.status) \(request.signed ? "signed" : "unsigned") \(request.code)", default: 0] += 1
        }
        return counts.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: "\n")
    }
}
