import Foundation
import Hummingbird
import MerchantAuth
import Testing
import Yams

@testable import GatewayHost

/// Every route the servers have is in their OpenAPI document, every documented route exists, and the merchant
/// API document declares the authentication the gateway enforces.
@Suite("OpenAPI documents")
struct OpenAPIDocumentTests {
    @Test("docs/openapi.yaml and docs/admin-openapi.yaml pass a standard OpenAPI validator (openapi-spec-validator)")
    func documentsAreValidOpenAPI() async throws {
        let executable = BuildProducts.repositoryRoot.appendingPathComponent(".build/venv/bin/openapi-spec-validator")
        try #require(
            FileManager.default.isExecutableFile(atPath: executable.path),
            "openapi-spec-validator is not installed: run `scripts/install-deps.sh --test` (make test does)")
        for name in ["openapi.yaml", "admin-openapi.yaml"] {
            let document = BuildProducts.repositoryRoot.appendingPathComponent("docs/\(name)").path
            let (status, text) = try await offPool { () throws -> (Int32, String) in
                let process = Process()
                process.executableURL = executable
                process.arguments = [document]
                let output = Pipe()
                process.standardOutput = output
                process.standardError = output
                try process.run()
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                return (process.terminationStatus, text)
            }
            #expect(status == 0, "\(name):\n\(text.prefix(4000))")
            #expect(text.contains("OK"), "\(name): \(text.prefix(400))")
        }
    }

    @Test("the merchant router's routes are exactly those of docs/openapi.yaml")
    func merchantRoutes() async throws {
        let directory = try TestDirectory("openapi-routes")
        let store = try SQLitePaymentStore(directory: directory.url)
        let registry = ChannelRegistry(channels: [:], plugins: [], configErrors: [])
        let router = Gateway.merchantRouter(
            payments: PaymentService(store: store, registry: registry, logger: .init(label: "test")),
            merchants: MerchantRegistry(MerchantDirectory([])))
        #expect(Self.served(router.routes.map { ($0.method.rawValue, $0.path.description) }) == (try Self.documented("openapi.yaml")))
    }

    @Test("the admin router's routes are exactly those of docs/admin-openapi.yaml")
    func adminRoutes() async throws {
        let directory = try TestDirectory("openapi-admin-routes")
        let registry = ChannelRegistry(channels: [:], plugins: [], configErrors: [])
        let reloader = ChannelConfigReloader(
            registry: registry,
            bootstrapper: ChannelBootstrapper(
                configDirectory: directory.url, publicURL: URL(string: "http://127.0.0.1:9")!,
                credentials: CredentialResolver(environment: [:]), logger: .init(label: "test")),
            logger: .init(label: "test"))
        let store = try SQLitePaymentStore(directory: directory.url)
        let payments = PaymentService(store: store, registry: registry, logger: .init(label: "test"))
        let router = Gateway.adminRouter(
            AdminAPI(
                registry: registry, reloader: reloader, payments: payments, version: "test",
                statements: StatementFetcher(registry: registry, directory: directory.url),
                reconciliation: ReconciliationService(
                    registry: registry, payments: payments, store: store, dataDirectory: directory.url, node: "test",
                    logger: .init(label: "test"))),
            tokens: .none)
        #expect(Self.served(router.routes.map { ($0.method.rawValue, $0.path.description) }) == (try Self.documented("admin-openapi.yaml")))
    }

    @Test("docs/openapi.yaml declares the four signature headers on every /v1 route but bank notifications, with the middleware's 401 codes")
    func merchantSecurity() throws {
        let document = try Self.document("openapi.yaml")
        let components = try #require(document["components"] as? [String: Any])
        let schemes = try #require(components["securitySchemes"] as? [String: [String: Any]])
        #expect(
            Set(schemes.values.compactMap { $0["in"] as? String == "header" ? $0["name"] as? String : nil })
                == [
                    MerchantSignature.Header.merchantId, MerchantSignature.Header.timestamp, MerchantSignature.Header.nonce,
                    MerchantSignature.Header.signature,
                ])
        let requirement = try #require((document["security"] as? [[String: Any]])?.first)
        #expect(Set(requirement.keys) == Set(schemes.keys), "one requirement with all four schemes")

        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for (path, item) in paths {
            for (method, value) in item where ["get", "post", "put", "patch", "delete"].contains(method) {
                let operation = try #require(value as? [String: Any])
                let security = operation["security"] as? [Any]
                let responses = try #require(operation["responses"] as? [String: Any])
                if path.hasPrefix("/v1/notify/") {
                    #expect(security?.isEmpty == true, "\(method) \(path) must not require the merchant signature")
                } else {
                    #expect(security == nil, "\(method) \(path) must use the document's merchant signature")
                    #expect(responses["401"] != nil, "\(method) \(path) documents no 401")
                }
            }
        }

        let schemas = try #require(components["schemas"] as? [String: Any])
        let error = try #require((schemas["AuthenticationError"] as? [String: Any])?["properties"] as? [String: Any])
        let code = try #require(((error["error"] as? [String: Any])?["properties"] as? [String: Any])?["code"] as? [String: Any])
        let codes = [
            AuthError.headersMissing, AuthError.unknownMerchant, AuthError.invalidNonce, AuthError.invalidTimestamp,
            AuthError.staleTimestamp, AuthError.invalidSignature, AuthError.replayedNonce,
        ]
        #expect(codes.allSatisfy { $0.status == .unauthorized })
        #expect(Set(code["enum"] as? [String] ?? []) == Set(codes.map(\.code)))
    }

    static func document(_ file: String) throws -> [String: Any] {
        let url = BuildProducts.repositoryRoot.appendingPathComponent("docs").appendingPathComponent(file)
        return try #require(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any])
    }

    static func served(_ routes: [(String, String)]) -> Set<String> {
        Set(routes.map { "\($0.0) \($0.1)" })
    }

    static func documented(_ file: String) throws -> Set<String> {
        let document = try document(file)
        let paths = try #require(document["paths"] as? [String: Any])
        var routes: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys
            where ["get", "post", "put", "patch", "delete"].contains(method) {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }
}
