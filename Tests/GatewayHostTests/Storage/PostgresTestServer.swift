import Foundation
import Logging
import PostgresNIO
import Testing

@testable import GatewayHost

/// The PostgreSQL server the storage tests use: `GATEWAY_TEST_POSTGRES_URL` (`make test` starts a private
/// cluster with `scripts/postgres.sh` and sets it). Each test gets its own database, created through that URL
/// and dropped afterwards.
///
/// Without the variable the PostgreSQL cases are skipped with a warning, except under CI (`CI` set), where
/// they fail: CI must test both stores.
enum PostgresTestServer {
    static let variable = "GATEWAY_TEST_POSTGRES_URL"

    /// The server's configuration (its `database` is the admin database), or a skip / failure when unset.
    static func adminConfiguration() throws -> PostgresPaymentStore.Configuration {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment[variable], !url.isEmpty {
            return try PostgresPaymentStore.Configuration(url: url)
        }
        if let ci = environment["CI"], !ci.isEmpty {
            throw HarnessError("\(variable) is unset but CI is set: the PostgreSQL store must be tested in CI")
        }
        let skipped: Comment =
            "PostgreSQL case skipped: \(variable) is unset (`make test` sets it; or run scripts/postgres.sh start DIR PORT)"
        Issue.record(skipped, severity: .warning)
        try Test.cancel(skipped)
    }

    /// Creates an empty database with a random name; returns the configuration to reach it.
    static func createDatabase() async throws -> PostgresPaymentStore.Configuration {
        var configuration = try adminConfiguration()
        let name = "gateway_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
        try await withAdminConnection(configuration) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        configuration.database = name
        // Few connections per store: tests open several stores and the server allows 200 in all.
        configuration.maxConnections = 8
        configuration.connectTimeout = .seconds(30)
        return configuration
    }

    /// Drops a database `createDatabase` made, even if connections are still open.
    static func dropDatabase(_ name: String) async throws {
        try await withAdminConnection(try adminConfiguration()) { connection in
            try await connection.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "storage-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// One connection to `configuration`'s database for the length of `body`.
    static func withConnection<T: Sendable>(
        _ configuration: PostgresPaymentStore.Configuration, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var result: T?
        try await withAdminConnection(configuration) { result = try await body($0) }
        return result!
    }

    private static func withAdminConnection(
        _ configuration: PostgresPaymentStore.Configuration, _ body: (PostgresConnection) async throws -> Void
    ) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: configuration.host, port: configuration.port, username: configuration.username,
                password: configuration.password, database: configuration.database, tls: .disable),
            id: 1, logger: logger)
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
