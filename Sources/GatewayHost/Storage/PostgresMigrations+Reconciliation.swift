extension PostgresMigrations {
    /// The business instant (`SQLiteMigrations.businessAt`); `not_processed` is BOOLEAN here.
    static func businessAt(_ table: String = "") -> String {
        let p = table.isEmpty ? "" : "\(table)."
        return "(CASE WHEN \(p)finished_at IS NULL OR \(p)not_processed THEN \(p)created_at ELSE \(p)finished_at END)"
    }

    /// Reconciliation (`SQLiteMigrations.v5`): expression indexes on the business instant with the read's
    /// columns INCLUDEd (an index-only scan once the table is vacuumed), and the runs, breaks and jobs.
    static let v5 = Migration(
        id: "2026-12-02-v5-reconciliation",
        statements: [
            "ALTER TABLE refunds ADD COLUMN channel_id TEXT",
            "UPDATE refunds SET channel_id = p.channel_id FROM payments p WHERE p.id = refunds.payment_id",
            """
            CREATE INDEX payments_recon ON payments (channel_id, \(businessAt()))
                INCLUDE (id, bank_transaction_id, amount, currency, status, not_processed, finished_at, created_at)
            """,
            """
            CREATE INDEX refunds_recon ON refunds (channel_id, \(businessAt()))
                INCLUDE (id, bank_transaction_id, amount, currency, status, not_processed, finished_at, created_at,
                    payment_id)
            """,
            """
            CREATE TABLE recon_runs (
                channel_id TEXT NOT NULL,
                business_date TEXT NOT NULL,
                run TEXT NOT NULL,
                node TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                finished_at BIGINT NOT NULL,
                PRIMARY KEY (channel_id, business_date)
            )
            """,
            """
            CREATE TABLE recon_breaks (
                id TEXT PRIMARY KEY,
                channel_id TEXT NOT NULL,
                break_key TEXT NOT NULL,
                class TEXT NOT NULL,
                transaction_id TEXT,
                state TEXT NOT NULL CHECK (state IN ('open','persisting','carried','resolved')),
                first_seen TEXT NOT NULL,
                last_seen TEXT NOT NULL,
                amount BIGINT,
                currency TEXT,
                item TEXT NOT NULL,
                resolved_at BIGINT,
                resolved_by TEXT,
                resolution TEXT,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX recon_breaks_channel_state ON recon_breaks (channel_id, state, first_seen)",
            """
            CREATE TABLE recon_jobs (
                channel_id TEXT NOT NULL,
                business_date TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('due','running','completed','failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at BIGINT NOT NULL,
                lease_owner TEXT,
                lease_until BIGINT,
                last_error TEXT,
                statement_sha256 TEXT,
                statement_bytes BIGINT,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (channel_id, business_date)
            )
            """,
            "CREATE INDEX recon_jobs_due ON recon_jobs (state, next_attempt_at)",
        ])

    /// Payment attempts (`SQLiteMigrations.v7`).
    static let v7 = Migration(
        id: "2026-12-03-v7-attempts",
        statements: [
            "ALTER TABLE payments ADD COLUMN attempt_id TEXT",
            "ALTER TABLE payments ADD COLUMN attempt_number INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE payments ADD COLUMN attempt_started_at BIGINT",
            "CREATE UNIQUE INDEX payments_attempt ON payments (attempt_id) WHERE attempt_id IS NOT NULL",
            """
            CREATE TABLE payment_attempts (
                id TEXT PRIMARY KEY,
                payment_id TEXT NOT NULL REFERENCES payments(id),
                number INTEGER NOT NULL,
                channel_id TEXT NOT NULL,
                amount BIGINT NOT NULL CHECK (amount > 0),
                currency TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status = 'declined'),
                bank_transaction_id TEXT,
                bank_code TEXT,
                bank_message TEXT,
                not_processed BOOLEAN NOT NULL,
                outcome_reason TEXT,
                created_at BIGINT NOT NULL,
                finished_at BIGINT NOT NULL,
                next_reason TEXT NOT NULL,
                UNIQUE (payment_id, number)
            )
            """,
            """
            CREATE INDEX payment_attempts_recon ON payment_attempts (channel_id, \(businessAt()))
                INCLUDE (id, bank_transaction_id, amount, currency, status, not_processed, finished_at, created_at)
            """,
            "DROP INDEX payments_recon",
            """
            CREATE INDEX payments_recon ON payments (channel_id, \(businessAt()))
                INCLUDE (id, attempt_id, bank_transaction_id, amount, currency, status, not_processed, finished_at,
                    created_at)
            """,
        ])
}
