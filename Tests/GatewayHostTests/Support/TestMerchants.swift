import Foundation
import MerchantAuth

/// The merchants every test gateway knows, with their secrets. `GatewayProcess.start` writes them to a
/// merchants file (secrets through environment variables, as in production) and `TestHTTP` signs requests
/// that carry one of these ids in `X-Merchant-Id`.
enum TestMerchants {
    static let secrets: [String: String] = [
        "m1": "test-secret-m1-7f3a",
        "m2": "test-secret-m2-91c4",
        "demo": "demo-merchant-secret",
    ]

    /// `GATEWAY_TEST_SECRET_M1`…
    static func variable(_ id: String) -> String { "GATEWAY_TEST_SECRET_\(id.uppercased())" }

    static var environment: [String: String] {
        Dictionary(uniqueKeysWithValues: secrets.map { (variable($0.key), $0.value) })
    }

    /// Writes `merchants.yaml` into `directory`; `notifyURLs` gives merchants a default webhook URL.
    static func writeFile(in directory: TestDirectory, notifyURLs: [String: String] = [:]) throws -> URL {
        var yaml = "merchants:\n"
        for id in secrets.keys.sorted() {
            yaml += "  - id: \(id)\n    secret_env: \(variable(id))\n"
            if let url = notifyURLs[id] { yaml += "    notify_url: \(url)\n" }
        }
        let file = directory.path("merchants-\(UUID().uuidString.prefix(6)).yaml")
        try Data(yaml.utf8).write(to: file)
        return file
    }

    /// The signing headers for a request to `url` (path plus query is the signed target).
    static func signedHeaders(merchant: String, method: String, url: URL, body: Data) -> [String: String]? {
        guard let secret = secrets[merchant] else { return nil }
        let signer = MerchantRequestSigner(merchantId: merchant, secret: secret)
        return Dictionary(
            uniqueKeysWithValues: signer.headers(method: method, target: target(of: url), body: body).map { ($0.name, $0.value) })
    }

    /// Path plus `?query`, exactly as sent.
    static func target(of url: URL) -> String {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let path = components?.percentEncodedPath ?? url.path
        if let query = components?.percentEncodedQuery { return "\(path)?\(query)" }
        return path
    }
}
