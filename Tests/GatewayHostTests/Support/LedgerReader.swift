import Foundation
import GRDB

/// Read-only, direct access to a running gateway's SQLite ledger (`<data-dir>/ledger.sqlite`, schema in
/// `Sources/GatewayHost/Storage/SQLiteMigrations.swift`), so that tests judge what was stored by reading the
/// file rather than by asking the API that wrote it.
struct LedgerReader: Sendable {
    /// The tables of money and authentication state, and the columns of each that a snapshot compares.
    /// Webhook events are compared by identity only: the dispatcher updates their delivery state on its own
    /// schedule, which is not what the tests here look at.
    static let snapshotTables: [(table: String, columns: String)] = [
        ("payments", "*"),
        ("refunds", "*"),
        ("transitions", "*"),
        ("webhook_events", "id, merchant_id, transaction_id, kind, type, url"),
        ("merchant_nonces", "*"),
    ]

    let database: DatabaseQueue

    /// Opens `<dataDirectory>/ledger.sqlite` read-only; the gateway must have created it (it migrates at start).
    init(dataDirectory: URL) throws {
        var configuration = Configuration()
        configuration.readonly = true
        database = try DatabaseQueue(
            path: dataDirectory.appendingPathComponent("ledger.sqlite").path, configuration: configuration)
    }

    /// Every row of the snapshot tables, as text, in storage order.
    func snapshot() async throws -> LedgerSnapshot {
        try await database.read { db in
            var tables: [String: [String]] = [:]
            for (table, columns) in Self.snapshotTables {
                tables[table] = try Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table) ORDER BY rowid").map(\.description)
            }
            return LedgerSnapshot(tables: tables)
        }
    }

    /// One payment row (all columns) as text, or nil.
    func paymentRow(_ id: String) async throws -> String? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM payments WHERE id = ?", arguments: [id])?.description
        }
    }

    /// One column of a payment row as text (`CAST(column AS TEXT)`), or nil.
    func payment(_ id: String, column: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT CAST(\(column) AS TEXT) FROM payments WHERE id = ?", arguments: [id])
        }
    }

    /// A payment's status as stored.
    func paymentStatus(_ id: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM payments WHERE id = ?", arguments: [id])
        }
    }

    /// The stored transitions of one payment or refund, oldest first.
    func transitions(of id: String) async throws -> [LedgerTransition] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT from_status, to_status, cause, bank_code FROM transitions WHERE transaction_id = ? ORDER BY seq",
                arguments: [id]
            ).map { LedgerTransition(from: $0["from_status"], to: $0["to_status"], cause: $0["cause"], bankCode: $0["bank_code"]) }
        }
    }

    /// How many rows `table` holds.
    func count(_ table: String) async throws -> Int {
        try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}

/// One row of the `transitions` table, as the tests compare it.
struct LedgerTransition: Equatable, Sendable, CustomStringConvertible {
    var from: String?
    var to: String
    var cause: String
    var bankCode: String?

    var description: String { "\(from ?? "nil")→\(to) (\(cause), \(bankCode ?? "nil"))" }
}
