extension SQLiteMigrations {
    /// A transaction's business instant: the bank's completion time when the bank gave one, else its creation
    /// time (declined before sending, still open). Reconciliation reads a channel's day by it; the indexes
    /// of v5 are on this very expression, so the read is a range scan of the index alone.
    static func businessAt(_ table: String = "") -> String {
        let p = table.isEmpty ? "" : "\(table)."
        return "(CASE WHEN \(p)finished_at IS NULL OR \(p)not_processed = 1 THEN \(p)created_at ELSE \(p)finished_at END)"
    }

    /// Reconciliation: refunds carry their payment's channel (every bank-visible row knows its channel), covering
    /// indexes for the ledger side of a run (a channel's rows by business instant; the columns the expression
    /// reads are in the index too, or SQLite would not use it as covering), and the stored runs, breaks and run
    /// jobs. `PostgresMigrations.v5` carries the same.
    static let v5: [String] = [
        "ALTER TABLE refunds ADD COLUMN channel_id TEXT",
        "UPDATE refunds SET channel_id = (SELECT channel_id FROM payments WHERE payments.id = refunds.payment_id)",
        """
        CREATE INDEX payments_recon ON payments (channel_id, \(businessAt()), id, bank_transaction_id, amount,
            currency, status, not_processed, finished_at, created_at)
        """,
        """
        CREATE INDEX refunds_recon ON refunds (channel_id, \(businessAt()), id, bank_transaction_id, amount,
            currency, status, not_processed, finished_at, created_at, payment_id)
        """,
        """
        CREATE TABLE recon_runs (
            channel_id TEXT NOT NULL,
            business_date TEXT NOT NULL,
            run TEXT NOT NULL,
            node TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            finished_at INTEGER NOT NULL,
            PRIMARY KEY (channel_id, business_date)
        )
        """,
        """
        CREATE TABLE recon_breaks (
            id TEXT PRIMARY KEY NOT NULL,
            channel_id TEXT NOT NULL,
            break_key TEXT NOT NULL,
            class TEXT NOT NULL,
            transaction_id TEXT,
            state TEXT NOT NULL CHECK (state IN ('open','persisting','carried','resolved')),
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            amount INTEGER,
            currency TEXT,
            item TEXT NOT NULL,
            resolved_at INTEGER,
            resolved_by TEXT,
            resolution TEXT,
            updated_at INTEGER NOT NULL
        )
        """,
        "CREATE INDEX recon_breaks_channel_state ON recon_breaks (channel_id, state, first_seen)",
        """
        CREATE TABLE recon_jobs (
            channel_id TEXT NOT NULL,
            business_date TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('due','running','completed','failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            lease_owner TEXT,
            lease_until INTEGER,
            last_error TEXT,
            statement_sha256 TEXT,
            statement_bytes INTEGER,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (channel_id, business_date)
        )
        """,
        "CREATE INDEX recon_jobs_due ON recon_jobs (state, next_attempt_at)",
    ]

    /// Payment attempts: a payment's current attempt stays on its row (`attempt_id`, NULL for the first, whose
    /// bank-visible id is the payment id; `attempt_number`); each earlier attempt, superseded by a failover, is a
    /// `payment_attempts` row with its own bank-visible id, read by reconciliation as a transaction of its
    /// channel. `payments_recon` is rebuilt with `attempt_id` so that the ledger read stays on the index.
    /// `PostgresMigrations.v7` carries the same.
    static let v7: [String] = [
        "ALTER TABLE payments ADD COLUMN attempt_id TEXT",
        "ALTER TABLE payments ADD COLUMN attempt_number INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE payments ADD COLUMN attempt_started_at INTEGER",
        "CREATE UNIQUE INDEX payments_attempt ON payments (attempt_id) WHERE attempt_id IS NOT NULL",
        """
        CREATE TABLE payment_attempts (
            id TEXT PRIMARY KEY NOT NULL,
            payment_id TEXT NOT NULL REFERENCES payments(id),
            number INTEGER NOT NULL,
            channel_id TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            currency TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status = 'declined'),
            bank_transaction_id TEXT,
            bank_code TEXT,
            bank_message TEXT,
            not_processed INTEGER NOT NULL,
            outcome_reason TEXT,
            created_at INTEGER NOT NULL,
            finished_at INTEGER NOT NULL,
            next_reason TEXT NOT NULL,
            UNIQUE (payment_id, number)
        )
        """,
        """
        CREATE INDEX payment_attempts_recon ON payment_attempts (channel_id, \(businessAt()), id, bank_transaction_id,
            amount, currency, status, not_processed, finished_at, created_at)
        """,
        "DROP INDEX payments_recon",
        """
        CREATE INDEX payments_recon ON payments (channel_id, \(businessAt()), id, attempt_id, bank_transaction_id,
            amount, currency, status, not_processed, finished_at, created_at)
        """,
    ]
}
