import Foundation
import Testing

@testable import GatewayHost

extension StorageTests {
    static let migrations = ["2026-11-25-v1-payments-refunds-transitions", "2026-11-26-v2-recovery-outbox-nonces"]

    @Test("migrations: the same identifiers in both stores; gateways starting together on an empty database",
        arguments: StoreKind.allCases)
    func concurrentMigrations(kind: StoreKind) async throws {
        try await TestLedger.with(kind, instances: 0) { _, ledger async throws in
            // Four processes start at once on an empty database: each migrates, all succeed.
            // (SQLite serializes opening with a file lock; PostgreSQL migrates under an advisory lock.)
            let stores = try await ledger.openConcurrently(4)
            for store in stores {
                #expect(try await ledger.appliedMigrations(store) == Self.migrations)
            }
            let payment = F.payment()
            #expect(try await stores[0].insertPayment(payment, checkAt: F.at(30)).inserted == payment)
            #expect(try await stores[3].payment(id: payment.id) == payment)
        }
    }

    @Test("migrations are idempotent: opening and migrating again changes nothing", arguments: StoreKind.allCases)
    func repeatedMigrations(kind: StoreKind) async throws {
        try await TestLedger.with(kind) { stores, ledger async throws in
            #expect(try await ledger.appliedMigrations(stores[0]) == Self.migrations)
            let payment = F.payment()
            _ = try await stores[0].insertPayment(payment, checkAt: F.at(30))

            // More processes start on the migrated database, at once and one by one; PostgreSQL stores are also
            // asked to migrate again.
            let more = try await ledger.openConcurrently(3) + [try await ledger.open()]
            for store in stores + more {
                if let store = store as? PostgresPaymentStore {
                    try await store.migrate()
                    try await store.migrate()
                }
            }
            for store in more {
                #expect(try await ledger.appliedMigrations(store) == Self.migrations)
                #expect(try await store.payment(id: payment.id) == payment)
            }
        }
    }
}
