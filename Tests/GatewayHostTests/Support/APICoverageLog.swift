import Foundation
import Synchronization

/// Checks every answer of a test gateway the tests receive through `TestHTTP` against the OpenAPI documents and, when
/// `GATEWAY_API_COVERAGE_FILE` is set (`make test` sets it), appends one JSON line per distinct
/// (document, method, path template, status, error code) and per mismatch to that file. `APICoverageTests`,
/// run after the whole suite, fails on any mismatch and on any documented error code no test produced.
enum APICoverageLog {
    /// One line of the file.
    struct Entry: Codable, Hashable, Sendable {
        var document: String
        var method: String
        var template: String
        var status: Int
        var code: String?
        var violations: [String]
    }

    /// The file named by `GATEWAY_API_COVERAGE_FILE`, if any.
    static let file: URL? = ProcessInfo.processInfo.environment["GATEWAY_API_COVERAGE_FILE"].flatMap {
        $0.isEmpty ? nil : URL(fileURLWithPath: $0)
    }

    private static let written = Mutex<Set<Entry>>([])
    /// The ports of the running test gateways: merchant API ports → true, admin API ports → false.
    private static let gatewayPorts = Mutex<[Int: Bool]>([:])

    /// Notes a started gateway's ports (`GatewayProcess`), so that its answers are checked.
    static func gatewayStarted(merchantPort: Int, adminPort: Int) {
        gatewayPorts.withLock {
            $0[merchantPort] = true
            $0[adminPort] = false
        }
    }

    /// Forgets a stopped gateway's ports (another process may get them).
    static func gatewayStopped(merchantPort: Int, adminPort: Int) {
        gatewayPorts.withLock {
            $0[merchantPort] = nil
            $0[adminPort] = nil
        }
    }

    /// Records the answer `result` to `method url`, if `url` is one of a test gateway's ports. An answer to a
    /// route no document has is recorded only when it is 404 or 405 (checked against the `Error` schema).
    static func record(method: String, url: URL, result: HTTPResult) {
        guard let file, let port = url.port, let isMerchant = gatewayPorts.withLock({ $0[port] }) else { return }
        let contract = isMerchant ? OpenAPIContract.merchant : OpenAPIContract.admin
        let contentType = result.headers.first { $0.name.lowercased() == "content-type" }?.value
        let code = (try? JSONDecoder().decode(JSONValue.self, from: result.body))?.errorCode
        let template = contract.template(of: url.path)
        guard template != nil || result.status == 404 || result.status == 405 else { return }
        let entry = Entry(
            document: contract.name, method: method, template: template ?? "(no such route)", status: result.status,
            code: code,
            violations: template.map {
                contract.violations(
                    method: method, template: $0, status: result.status, contentType: contentType, body: result.body)
            } ?? contract.routeErrorViolations(status: result.status, contentType: contentType, body: result.body))
        let isNew = written.withLock { $0.insert(entry).inserted }
        guard isNew, var line = try? JSONEncoder().encode(entry) else { return }
        line.append(0x0A)
        let descriptor = open(file.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
