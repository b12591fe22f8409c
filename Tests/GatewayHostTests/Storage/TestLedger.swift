import Foundation
import Synchronization
import Testing

@testable import GatewayHost

/// A fresh ledger for one test — a new SQLite directory or a new PostgreSQL database — that the test opens as
/// several stores with separate connections, the way several gateway processes share one database.
/// PostgreSQL stores run (`run()`) until the test ends; the database is dropped afterwards.
final class TestLedger: Sendable {
    let kind: StoreKind
    private let directory: TestDirectory?
    private let postgres: PostgresPaymentStore.Configuration?
    private let runs = Mutex<[Task<Void, Never>]>([])

    private init(kind: StoreKind, directory: TestDirectory?, postgres: PostgresPaymentStore.Configuration?) {
        self.kind = kind
        self.directory = directory
        self.postgres = postgres
    }

    /// Runs `body` with `instances` stores of one fresh ledger, opened (and migrated) one after the other.
    /// `connectionWait`: how long a PostgreSQL call may wait for a pooled connection (a stress test that queues
    /// hundreds of calls on the pools of a loaded machine waits longer than a call should).
    static func with(
        _ kind: StoreKind, instances: Int = 2, connectionWait: Duration? = nil,
        _ body: (_ stores: [any PaymentStore], _ ledger: TestLedger) async throws -> Void
    ) async throws {
        let ledger: TestLedger
        switch kind {
        case .sqlite:
            ledger = TestLedger(kind: kind, directory: try TestDirectory("ledger"), postgres: nil)
        case .postgres:
            var configuration = try await PostgresTestServer.createDatabase()
            if let connectionWait { configuration.connectTimeout = connectionWait }
            ledger = TestLedger(kind: kind, directory: nil, postgres: configuration)
        }
        do {
            var stores: [any PaymentStore] = []
            for _ in 0..<instances {
                stores.append(try await ledger.open())
            }
            try await body(stores, ledger)
        } catch {
            try? await ledger.close()
            throw error
        }
        try await ledger.close()
    }

    /// Opens `count` more stores at the same time (each migrates, as a starting gateway would).
    func openConcurrently(_ count: Int) async throws -> [any PaymentStore] {
        try await withThrowingTaskGroup(of: (any PaymentStore).self) { group in
            for _ in 0..<count {
                group.addTask { try await self.open() }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Opens one more store on this ledger and migrates it.
    func open() async throws -> any PaymentStore {
        switch kind {
        case .sqlite:
            return try SQLitePaymentStore(directory: directory!.url)
        case .postgres:
            let store = startPostgres()
            try await store.migrate()
            return store
        }
    }

    /// A PostgreSQL store on this ledger whose pool runs until the test ends; not migrated.
    func startPostgres() -> PostgresPaymentStore {
        let store = PostgresPaymentStore(configuration: postgres!, logger: PostgresTestServer.logger)
        let run = Task { _ = try? await store.run() }
        runs.withLock { $0.append(run) }
        return store
    }

    /// The migrations recorded in the ledger, in order.
    func appliedMigrations(_ store: any PaymentStore) async throws -> [String] {
        switch store {
        case let store as SQLitePaymentStore:
            try await store.pool.read { db in try SQLiteMigrations.migrator.appliedMigrations(db) }
        case let store as PostgresPaymentStore:
            try await store.appliedMigrations()
        default:
            throw HarnessError("unknown store \(type(of: store))")
        }
    }

    private func close() async throws {
        let runs = self.runs.withLock { runs in
            defer { runs = [] }
            return runs
        }
        for run in runs {
            run.cancel()
            await run.value
        }
        if let postgres {
            try await PostgresTestServer.dropDatabase(postgres.database)
        }
    }
}
