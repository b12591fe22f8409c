import GRDB

/// The versioned schema of the SQLite ledger. Migrations are append-only: a released migration is never
/// edited, so a later gateway can upgrade any database an earlier one wrote.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-25-v1-payments-refunds-transitions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE payments (
                        id TEXT PRIMARY KEY NOT NULL,
                        merchant_id TEXT NOT NULL,
                        merchant_order_id TEXT NOT NULL,
                        channel_id TEXT NOT NULL,
                        amount INTEGER NOT NULL CHECK (amount > 0),
                        currency TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        notify_url TEXT,
                        metadata TEXT,
                        status TEXT NOT NULL CHECK (status IN ('processing','pending','succeeded','declined')),
                        bank_transaction_id TEXT,
                        bank_code TEXT,
                        bank_message TEXT,
                        not_processed INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        finished_at INTEGER,
                        UNIQUE (merchant_id, merchant_order_id)
                    );
                    CREATE INDEX payments_open ON payments (status) WHERE status IN ('processing','pending');
                    CREATE TABLE refunds (
                        id TEXT PRIMARY KEY NOT NULL,
                        payment_id TEXT NOT NULL REFERENCES payments(id),
                        merchant_id TEXT NOT NULL,
                        merchant_refund_id TEXT NOT NULL,
                        amount INTEGER NOT NULL CHECK (amount > 0),
                        currency TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('processing','pending','succeeded','declined')),
                        bank_transaction_id TEXT,
                        bank_code TEXT,
                        bank_message TEXT,
                        not_processed INTEGER NOT NULL DEFAULT 0,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        finished_at INTEGER,
                        UNIQUE (merchant_id, merchant_refund_id)
                    );
                    CREATE INDEX refunds_payment ON refunds (payment_id);
                    CREATE TABLE transitions (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        transaction_id TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('payment','refund')),
                        from_status TEXT,
                        to_status TEXT NOT NULL,
                        cause TEXT NOT NULL,
                        bank_code TEXT,
                        at INTEGER NOT NULL
                    );
                    CREATE INDEX transitions_transaction ON transitions (transaction_id, seq);
                    """)
        }
        return migrator
    }
}
