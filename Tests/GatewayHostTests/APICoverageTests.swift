import Foundation
import Testing

/// The OpenAPI documents and the servers' behaviour are kept together: every answer any test receives through
/// `TestHTTP` is checked against its document (documented operation and status, the body against its schema,
/// an error's code listed in `x-error-codes` for its status), and every documented error code is produced by
/// some test. `make test` runs the whole suite with `GATEWAY_API_COVERAGE_FILE` set, then this suite with
/// `GATEWAY_API_COVERAGE_CHECK=1` over the file the run wrote.
@Suite("OpenAPI documents against the answers the tests received")
struct APICoverageTests {
    static let checking = ProcessInfo.processInfo.environment["GATEWAY_API_COVERAGE_CHECK"] == "1"

    @Test("every answer the suite received conforms to its document", .enabled(if: checking))
    func answersConform() throws {
        let entries = try Self.entries()
        try #require(!entries.isEmpty, "no answers were recorded: was the suite run with GATEWAY_API_COVERAGE_FILE?")
        let violations = Set(entries.flatMap(\.violations)).sorted()
        #expect(violations.isEmpty, "\(violations.count) mismatches:\n\(violations.prefix(200).joined(separator: "\n"))")
    }

    @Test("every documented error code of both documents is produced by some test", .enabled(if: checking))
    func everyCodeProduced() throws {
        let entries = try Self.entries()
        for contract in [OpenAPIContract.merchant, OpenAPIContract.admin] {
            try #require(!contract.errorCodes.isEmpty, "\(contract.name) lists no x-error-codes")
            let produced = Set(entries.filter { $0.document == contract.name }.compactMap { entry in
                entry.code.map { "\($0) \(entry.status)" }
            })
            let documented = contract.errorCodes.flatMap { code, statuses in statuses.map { "\(code) \($0)" } }
            let missing = documented.filter { !produced.contains($0) }.sorted()
            #expect(missing.isEmpty, "\(contract.name): documented but produced by no test: \(missing.joined(separator: ", "))")
        }
    }

    @Test("the checker finds a missing property, a wrong type, an undocumented property, code and status")
    func checkerFindsMismatches() throws {
        let contract = OpenAPIContract.merchant
        func check(_ status: Int, _ json: String, template: String = "/v1/payments/{id}") -> [String] {
            contract.violations(
                method: "GET", template: template, status: status, contentType: "application/json", body: Data(json.utf8))
        }
        #expect(contract.template(of: "/v1/payments/pay_123") == "/v1/payments/{id}")
        #expect(contract.template(of: "/v1/payments/pay_123/history") == "/v1/payments/{id}/history")
        #expect(contract.template(of: "/_sim/record") == nil)
        #expect(check(404, #"{"error":{"code":"payment_not_found","message":"no such payment"}}"#).isEmpty)
        #expect(check(404, #"{"error":{"code":"no_such_code","message":"x"}}"#).contains { $0.contains("'no_such_code' is not listed") })
        #expect(check(422, #"{"error":{"code":"payment_not_found","message":"x"}}"#).contains { $0.contains("not listed in x-error-codes for 422") })
        #expect(check(404, #"{"error":{"message":"x"}}"#).contains { $0.contains("required property 'code' is missing") })
        #expect(check(404, #"{"error":{"code":7,"message":"x"}}"#).contains { $0.contains("integer where the schema says string") })
        #expect(check(200, #"{"id":"pay_1"}"#).contains { $0.contains("required property") })
        #expect(check(404, #"{"error":{"code":"payment_not_found","message":"x","secret":"y"}}"#).contains { $0.contains("'secret' is not documented") })
        #expect(check(200, "{}", template: "/v1/nowhere").contains { $0.contains("not documented") })
    }

    @Test("both documents list their error codes (x-error-codes), each with a 4xx or 5xx status")
    func codesListed() {
        for contract in [OpenAPIContract.merchant, OpenAPIContract.admin] {
            #expect(!contract.errorCodes.isEmpty, "\(contract.name)")
            for (code, statuses) in contract.errorCodes {
                #expect(!statuses.isEmpty && statuses.allSatisfy { (400..<600).contains($0) }, "\(contract.name) \(code)")
            }
        }
    }

    private static func entries() throws -> [APICoverageLog.Entry] {
        let file = try #require(APICoverageLog.file, "GATEWAY_API_COVERAGE_FILE is not set")
        let text = try String(contentsOf: file, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(APICoverageLog.Entry.self, from: Data($0.utf8)) }
    }
}
