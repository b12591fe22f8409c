import Foundation
import Hummingbird
import Testing
import Yams

@testable import GatewayHost

/// Every route the servers have is in their OpenAPI document, and every documented route exists.
@Suite("OpenAPI documents")
struct OpenAPIDocumentTests {
    @Test("the merchant router's routes are exactly those of docs/openapi.yaml")
    func merchantRoutes() async throws {
        let directory = try TestDirectory("openapi-routes")
        let store = try SQLitePaymentStore(directory: directory.url)
        let registry = ChannelRegistry(channels: [:], plugins: [], configErrors: [])
        let router = Gateway.merchantRouter(
            payments: PaymentService(store: store, registry: registry, logger: .init(label: "test")))
        #expect(Self.served(router.routes.map { ($0.method.rawValue, $0.path.description) }) == (try Self.documented("openapi.yaml")))
    }

    @Test("the admin router's routes are exactly those of docs/admin-openapi.yaml")
    func adminRoutes() async throws {
        let directory = try TestDirectory("openapi-admin-routes")
        let registry = ChannelRegistry(channels: [:], plugins: [], configErrors: [])
        let router = Gateway.adminRouter(
            AdminAPI(registry: registry, version: "test", statements: StatementFetcher(registry: registry, directory: directory.url)))
        #expect(Self.served(router.routes.map { ($0.method.rawValue, $0.path.description) }) == (try Self.documented("admin-openapi.yaml")))
    }

    static func served(_ routes: [(String, String)]) -> Set<String> {
        Set(routes.map { "\($0.0) \($0.1)" })
    }

    static func documented(_ file: String) throws -> Set<String> {
        let url = BuildProducts.repositoryRoot.appendingPathComponent("docs").appendingPathComponent(file)
        let document = try #require(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any])
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
