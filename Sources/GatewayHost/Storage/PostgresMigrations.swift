/// The versioned schema of the PostgreSQL ledger: the same migrations, with the same identifiers and the same
/// tables, as `SQLiteMigrations`, in PostgreSQL's types (times are BIGINT Unix milliseconds, `not_processed` is
/// BOOLEAN). Append-only: a released migration is never edited. Applied ones are recorded in
/// `schema_migrations`; `PostgresPaymentStore.migrate()` applies the rest in one transaction.
///
/// Each statement is sent on its own (the extended query protocol takes one statement at a time).
enum PostgresMigrations {
    struct Migration: Sendable {
        var id: String
        var statements: [String]
    }

    static let all: [Migration] = [v1, v2, v3, v4, v5, v6, v7, v8]

    /// Key of the transaction-level advisory lock that serializes migrations of one database
    /// (the ASCII bytes of "gwledger").
    static let lockKey: Int64 = 0x6777_6c65_6467_6572

    /// Forced circuit breaker states (`SQLiteMigrations.v8`).
    static let v8 = Migration(
        id: "2026-12-03-v8-channel-breakers",
        statements: [
            """
            CREATE TABLE channel_breakers (
                channel_id TEXT PRIMARY KEY,
                forced TEXT NOT NULL CHECK (forced IN ('open','closed')),
                set_by TEXT NOT NULL,
                reason TEXT,
                set_at BIGINT NOT NULL
            )
            """,
        ])

    /// Daily limit counters (`SQLiteMigrations.v6`).
    static let v6 = Migration(
        id: "2026-12-03-v6-limits",
        statements: [
            "ALTER TABLE payments ADD COLUMN limit_holds TEXT",
            """
            CREATE TABLE limit_counters (
                limit_key TEXT NOT NULL,
                day TEXT NOT NULL,
                slot INTEGER NOT NULL,
                amount BIGINT NOT NULL,
                count BIGINT NOT NULL,
                amount_quota BIGINT NOT NULL,
                count_quota BIGINT NOT NULL,
                cap_amount BIGINT NOT NULL,
                cap_count BIGINT NOT NULL,
                PRIMARY KEY (limit_key, day, slot)
            )
            """,
        ])

    static let v1 = Migration(
        id: "2026-11-25-v1-payments-refunds-transitions",
        statements: [
            """
            CREATE TABLE payments (
                id TEXT PRIMARY KEY,
                merchant_id TEXT NOT NULL,
                merchant_order_id TEXT NOT NULL,
                channel_id TEXT NOT NULL,
                amount BIGINT NOT NULL CHECK (amount > 0),
                currency TEXT NOT NULL,
                subject TEXT NOT NULL,
                notify_url TEXT,
                metadata TEXT,
                status TEXT NOT NULL CHECK (status IN ('processing','pending','succeeded','declined')),
                bank_transaction_id TEXT,
                bank_code TEXT,
                bank_message TEXT,
                not_processed BOOLEAN NOT NULL DEFAULT FALSE,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                finished_at BIGINT,
                UNIQUE (merchant_id, merchant_order_id)
            )
            """,
            "CREATE INDEX payments_open ON payments (status) WHERE status IN ('processing','pending')",
            """
            CREATE TABLE refunds (
                id TEXT PRIMARY KEY,
                payment_id TEXT NOT NULL REFERENCES payments(id),
                merchant_id TEXT NOT NULL,
                merchant_refund_id TEXT NOT NULL,
                amount BIGINT NOT NULL CHECK (amount > 0),
                currency TEXT NOT NULL,
                reason TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('processing','pending','succeeded','declined')),
                bank_transaction_id TEXT,
                bank_code TEXT,
                bank_message TEXT,
                not_processed BOOLEAN NOT NULL DEFAULT FALSE,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                finished_at BIGINT,
                UNIQUE (merchant_id, merchant_refund_id)
            )
            """,
            "CREATE INDEX refunds_payment ON refunds (payment_id)",
            """
            CREATE TABLE transitions (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                transaction_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('payment','refund')),
                from_status TEXT,
                to_status TEXT NOT NULL,
                cause TEXT NOT NULL,
                bank_code TEXT,
                at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX transitions_transaction ON transitions (transaction_id, seq)",
        ])

    /// Recovery schedule columns, the raw bank message on transitions, the webhook outbox, merchant nonces
    /// (`SQLiteMigrations.v2`).
    static let v2 = Migration(
        id: "2026-11-26-v2-recovery-outbox-nonces",
        statements: [
            "ALTER TABLE payments ADD COLUMN check_attempts INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE payments ADD COLUMN next_check_at BIGINT",
            "UPDATE payments SET next_check_at = updated_at WHERE status IN ('processing','pending')",
            "CREATE INDEX payments_due ON payments (next_check_at) WHERE next_check_at IS NOT NULL",
            "ALTER TABLE refunds ADD COLUMN check_attempts INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE refunds ADD COLUMN next_check_at BIGINT",
            "UPDATE refunds SET next_check_at = updated_at WHERE status IN ('processing','pending')",
            "CREATE INDEX refunds_due ON refunds (next_check_at) WHERE next_check_at IS NOT NULL",
            "CREATE INDEX refunds_open ON refunds (status) WHERE status IN ('processing','pending')",
            "ALTER TABLE transitions ADD COLUMN bank_message TEXT",
            """
            CREATE TABLE webhook_events (
                id TEXT PRIMARY KEY,
                merchant_id TEXT NOT NULL,
                transaction_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('payment','refund')),
                type TEXT NOT NULL,
                url TEXT,
                body TEXT,
                state TEXT NOT NULL CHECK (state IN ('pending','delivered','failed','no_endpoint')),
                attempt_count INTEGER NOT NULL DEFAULT 0,
                next_attempt_at BIGINT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at) WHERE state = 'pending'",
            "CREATE INDEX webhook_events_transaction ON webhook_events (transaction_id)",
            """
            CREATE TABLE webhook_attempts (
                event_id TEXT NOT NULL REFERENCES webhook_events(id),
                number INTEGER NOT NULL,
                at BIGINT NOT NULL,
                url TEXT NOT NULL,
                http_status INTEGER,
                error TEXT,
                duration_ms BIGINT NOT NULL,
                PRIMARY KEY (event_id, number)
            )
            """,
            """
            CREATE TABLE merchant_nonces (
                merchant_id TEXT NOT NULL,
                nonce TEXT NOT NULL,
                seen_at BIGINT NOT NULL,
                PRIMARY KEY (merchant_id, nonce)
            )
            """,
            "CREATE INDEX merchant_nonces_seen ON merchant_nonces (seen_at)",
        ])

    /// ChannelKit 2.0's typed outcome reasons (`SQLiteMigrations.v3`).
    static let v3 = Migration(
        id: "2026-12-01-v3-outcome-reasons",
        statements: [
            "ALTER TABLE payments ADD COLUMN outcome_reason TEXT",
            "ALTER TABLE refunds ADD COLUMN outcome_reason TEXT",
            "ALTER TABLE transitions ADD COLUMN outcome_reason TEXT",
            SQLiteMigrations.backfill("payments", notProcessed: "not_processed"),
            SQLiteMigrations.backfill("refunds", notProcessed: "not_processed"),
        ])

    /// Payments by channel and creation time (`SQLiteMigrations.v4`).
    static let v4 = Migration(
        id: "2026-12-01-v4-channel-day-index",
        statements: ["CREATE INDEX payments_channel_created ON payments (channel_id, created_at)"])
}
