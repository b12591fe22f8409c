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
        migrator.registerMigration("2026-11-26-v2-recovery-outbox-nonces") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("2026-12-01-v3-outcome-reasons") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("2026-12-01-v4-channel-day-index") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("2026-12-02-v5-reconciliation") { db in
            for statement in v5 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("2026-12-03-v6-limits") { db in
            try db.execute(sql: v6)
        }
        migrator.registerMigration("2026-12-03-v7-attempts") { db in
            for statement in v7 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("2026-12-03-v8-channel-breakers") { db in
            try db.execute(sql: v8)
        }
        return migrator
    }

    /// Daily limit counters (限额限次) and the counters each payment reserved (`LimitHold.encode`: released when
    /// it is declined). A cap of -1 is none; -2 marks a slot not yet shared out. `PostgresMigrations` carries the
    /// same.
    static let v6 = """
        ALTER TABLE payments ADD COLUMN limit_holds TEXT;
        CREATE TABLE limit_counters (
            limit_key TEXT NOT NULL,
            day TEXT NOT NULL,
            slot INTEGER NOT NULL,
            amount INTEGER NOT NULL,
            count INTEGER NOT NULL,
            amount_quota INTEGER NOT NULL,
            count_quota INTEGER NOT NULL,
            cap_amount INTEGER NOT NULL,
            cap_count INTEGER NOT NULL,
            PRIMARY KEY (limit_key, day, slot)
        ) WITHOUT ROWID;
        """

    /// Circuit breaker states forced by ops (`gatewayctl channels breaker ID open|closed`); no row: automatic.
    /// Every node reads it (`BreakerSyncService`). `PostgresMigrations` carries the same.
    static let v8 = """
        CREATE TABLE channel_breakers (
            channel_id TEXT PRIMARY KEY NOT NULL,
            forced TEXT NOT NULL CHECK (forced IN ('open','closed')),
            set_by TEXT NOT NULL,
            reason TEXT,
            set_at INTEGER NOT NULL
        );
        """

    /// Payments by channel and creation time: a channel's day (`gatewayctl channels show`, and the ledger side of
    /// reconciliation) is read by this index, not by scanning the table. `PostgresMigrations` carries the same.
    static let v4 = "CREATE INDEX payments_channel_created ON payments (channel_id, created_at);"

    /// ChannelKit 2.0's typed outcome reasons: the decline reason of a declined row or the pending cause of a
    /// pending one, on payments, refunds and transitions. Declined rows of earlier versions get the reason
    /// their bank code and not-processed flag imply (see `backfill`); earlier pending rows keep NULL (cause
    /// unknown). `PostgresMigrations` carries the same version.
    static let v3 = """
        ALTER TABLE payments ADD COLUMN outcome_reason TEXT;
        ALTER TABLE refunds ADD COLUMN outcome_reason TEXT;
        ALTER TABLE transitions ADD COLUMN outcome_reason TEXT;
        """ + v3Backfill

    /// The 1.x bank codes that meant "nothing was sent": the transport's `not_sent`, and the codes of the
    /// errors 1.x plugins threw before sending (which the 1.x gateway stored as the bank code).
    static let notSentCodes = "'not_sent', 'invalid_configuration', 'unsupported_currency', 'amount_out_of_range', "
        + "'invalid_request', 'unsupported', 'channel_not_loaded'"

    /// The backfill shared by both stores (`not_processed` is 0/1 in SQLite, a boolean in PostgreSQL). Before
    /// 2.0 only the Jiangnan plugin shipped: its `3002` (timestamp or nonce refused) is the one "retry here"
    /// code; any other not-processed decline was one "another channel may be tried".
    static func backfill(_ table: String, notProcessed: String) -> String {
        """
        UPDATE \(table) SET outcome_reason = CASE
            WHEN bank_code IN (\(notSentCodes)) THEN 'not_sent'
            WHEN bank_code = '3002' AND \(notProcessed) THEN 'refused_retry_here'
            WHEN \(notProcessed) THEN 'refused_try_elsewhere'
            ELSE 'declined' END
        WHERE status = 'declined';
        """
    }

    static let v3Backfill = backfill("payments", notProcessed: "not_processed = 1") + backfill("refunds", notProcessed: "not_processed = 1")

    /// Recovery schedule columns, the raw bank message on transitions, the webhook outbox, merchant nonces.
    /// `PostgresMigrations` carries the same version with the same tables.
    static let v2 = """
        ALTER TABLE payments ADD COLUMN check_attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE payments ADD COLUMN next_check_at INTEGER;
        UPDATE payments SET next_check_at = updated_at WHERE status IN ('processing','pending');
        CREATE INDEX payments_due ON payments (next_check_at) WHERE next_check_at IS NOT NULL;
        ALTER TABLE refunds ADD COLUMN check_attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE refunds ADD COLUMN next_check_at INTEGER;
        UPDATE refunds SET next_check_at = updated_at WHERE status IN ('processing','pending');
        CREATE INDEX refunds_due ON refunds (next_check_at) WHERE next_check_at IS NOT NULL;
        CREATE INDEX refunds_open ON refunds (status) WHERE status IN ('processing','pending');
        ALTER TABLE transitions ADD COLUMN bank_message TEXT;
        CREATE TABLE webhook_events (
            id TEXT PRIMARY KEY NOT NULL,
            merchant_id TEXT NOT NULL,
            transaction_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('payment','refund')),
            type TEXT NOT NULL,
            url TEXT,
            body TEXT,
            state TEXT NOT NULL CHECK (state IN ('pending','delivered','failed','no_endpoint')),
            attempt_count INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at) WHERE state = 'pending';
        CREATE INDEX webhook_events_transaction ON webhook_events (transaction_id);
        CREATE TABLE webhook_attempts (
            event_id TEXT NOT NULL REFERENCES webhook_events(id),
            number INTEGER NOT NULL,
            at INTEGER NOT NULL,
            url TEXT NOT NULL,
            http_status INTEGER,
            error TEXT,
            duration_ms INTEGER NOT NULL,
            PRIMARY KEY (event_id, number)
        );
        CREATE TABLE merchant_nonces (
            merchant_id TEXT NOT NULL,
            nonce TEXT NOT NULL,
            seen_at INTEGER NOT NULL,
            PRIMARY KEY (merchant_id, nonce)
        );
        CREATE INDEX merchant_nonces_seen ON merchant_nonces (seen_at);
        """
}
