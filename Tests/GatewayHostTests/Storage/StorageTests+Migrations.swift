import Foundation
import GRDB
import PostgresNIO
import Testing

@testable import GatewayHost

extension StorageTests {
    static let migrations = [
        "2026-11-25-v1-payments-refunds-transitions", "2026-11-26-v2-recovery-outbox-nonces",
        "2026-12-01-v3-outcome-reasons", "2026-12-01-v4-channel-day-index", "2026-12-02-v5-reconciliation",
        "2026-12-03-v6-limits", "2026-12-03-v7-attempts",
        "2026-12-03-v8-channel-breakers",
    ]

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

    @Test("v3 gives declined rows of a v2 ledger the decline reason their bank code and flag imply")
    func v3BackfillsDeclineReasons() async throws {
        let directory = try TestDirectory("ledger-v2")
        let path = directory.path("ledger.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteMigrations.migrator.migrate(queue, upTo: "2026-11-26-v2-recovery-outbox-nonces")
            try await queue.write { db in
                let rows: [(String, String, String?, Int)] = [
                    ("pay_sent", "declined", "not_sent", 1), ("pay_elsewhere", "declined", "2005", 1),
                    ("pay_plain", "declined", "2001", 0), ("pay_open", "pending", "9998", 0),
                ]
                for (id, status, code, notProcessed) in rows {
                    try db.execute(
                        sql: """
                            INSERT INTO payments (id, merchant_id, merchant_order_id, channel_id, amount, currency, subject,
                                status, bank_code, not_processed, created_at, updated_at)
                            VALUES (?, 'm1', ?, 'jiangnan', 100, 'CNY', 'Tea', ?, ?, ?, 0, 0)
                            """, arguments: [id, id, status, code, notProcessed])
                }
            }
        }
        let store = try SQLitePaymentStore(directory: directory.url)
        #expect(try await store.payment(id: "pay_sent")?.outcomeReason == "not_sent")
        #expect(try await store.payment(id: "pay_elsewhere")?.outcomeReason == "refused_try_elsewhere")
        #expect(try await store.payment(id: "pay_plain")?.outcomeReason == "declined")
        #expect(try await store.payment(id: "pay_open")?.outcomeReason == nil, "the cause of an old pending row is unknown")
    }

    @Test("the v3 backfill statements give PostgreSQL rows the same decline reasons as SQLite's")
    func v3BackfillOnPostgres() async throws {
        try await TestLedger.with(.postgres, instances: 1) { stores, _ in
            let store = try #require(stores.first as? PostgresPaymentStore)
            let rows: [(String, String, String?, Bool, String)] = [
                ("pay_sent", "declined", "not_sent", true, "not_sent"),
                ("pay_thrown", "declined", "invalid_request", true, "not_sent"),
                ("pay_retry", "declined", "3002", true, "refused_retry_here"),
                ("pay_elsewhere", "declined", "2005", true, "refused_try_elsewhere"),
                ("pay_plain", "declined", "2001", false, "declined"),
            ]
            try await store.withConnection { connection in
                for (id, status, code, notProcessed, _) in rows {
                    try await store.execute(
                        """
                        INSERT INTO payments (id, merchant_id, merchant_order_id, channel_id, amount, currency, subject,
                            status, bank_code, not_processed, created_at, updated_at)
                        VALUES (\(id), 'm1', \(id), 'jiangnan', 100, 'CNY', 'Tea', \(status), \(code), \(notProcessed), 0, 0)
                        """, on: connection)
                }
                // As a v2 ledger would hold them: no reason yet; then the migration's own backfill statement.
                try await store.execute("UPDATE payments SET outcome_reason = NULL", on: connection)
                let backfill = try #require(PostgresMigrations.v3.statements.first { $0.hasPrefix("UPDATE payments") })
                try await store.execute(PostgresQuery(unsafeSQL: backfill), on: connection)
            }
            for (id, _, _, _, reason) in rows {
                #expect(try await store.payment(id: id)?.outcomeReason == reason, "\(id)")
            }
        }
    }
}
