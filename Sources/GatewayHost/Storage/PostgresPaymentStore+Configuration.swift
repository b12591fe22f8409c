import Foundation
import PostgresNIO

extension PostgresPaymentStore {
    /// Where the ledger lives and how many connections it may use, parsed from a URL:
    ///
    ///     postgres://user[:password]@host[:port]/database[?max_connections=N&connect_timeout=S&sslmode=disable]
    ///
    /// `postgresql://` works too. TLS is not supported (the database is expected on loopback), so `sslmode`
    /// may only be `disable`. `connect_timeout` (seconds, libpq's name) bounds both opening a connection and
    /// waiting for a free one from the pool. The password is never part of `description`.
    struct Configuration: Sendable, Equatable, CustomStringConvertible {
        var host: String
        var port: Int = 5432
        var username: String
        var password: String?
        var database: String
        /// The pool's upper bound; connections are opened on demand and closed when idle.
        var maxConnections: Int = 20
        /// How long opening a connection, or waiting for a free one, may take before the operation fails.
        var connectTimeout: Duration = .seconds(10)
        /// Slots of each daily limit counter (`LimitBalancer`): payments against one cap spread over this many
        /// rows instead of all waiting for one.
        var limitSlots: Int = 16

        init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
        }

        init(url: String) throws {
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                scheme == "postgres" || scheme == "postgresql"
            else {
                throw StoreError("the PostgreSQL URL must look like postgres://user[:password]@host:port/database")
            }
            guard let host = components.host, !host.isEmpty else {
                throw StoreError("the PostgreSQL URL has no host")
            }
            guard let user = components.user, !user.isEmpty else {
                throw StoreError("the PostgreSQL URL has no user name")
            }
            let database = String(components.path.drop(while: { $0 == "/" }))
            guard !database.isEmpty, !database.contains("/") else {
                throw StoreError("the PostgreSQL URL must name one database (…/database)")
            }
            self.init(
                host: host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host,
                port: components.port ?? 5432, username: user, password: components.password, database: database)
            for item in components.queryItems ?? [] {
                let value = item.value ?? ""
                switch item.name {
                case "max_connections":
                    guard let count = Int(value), (1...1000).contains(count) else {
                        throw StoreError("max_connections in the PostgreSQL URL must be 1…1000, not '\(value)'")
                    }
                    maxConnections = count
                case "connect_timeout":
                    guard let seconds = Double(value), seconds > 0, seconds <= 3600 else {
                        throw StoreError("connect_timeout in the PostgreSQL URL must be seconds in (0, 3600], not '\(value)'")
                    }
                    connectTimeout = .milliseconds(Int64((seconds * 1000).rounded()))
                case "sslmode":
                    guard value == "disable" else {
                        throw StoreError("sslmode=\(value) is not supported: the gateway talks to PostgreSQL without TLS")
                    }
                default:
                    throw StoreError("unknown parameter '\(item.name)' in the PostgreSQL URL")
                }
            }
        }

        /// The URL without the password, for logs and error messages.
        var description: String {
            let host = self.host.contains(":") ? "[\(self.host)]" : self.host
            return "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
        }

        /// What `PostgresClient` needs.
        var client: PostgresClient.Configuration {
            var configuration = PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database, tls: .disable)
            configuration.options.maximumConnections = maxConnections
            configuration.options.connectTimeout = connectTimeout
            configuration.options.additionalStartupParameters = [("application_name", "gateway")]
            return configuration
        }
    }
}
