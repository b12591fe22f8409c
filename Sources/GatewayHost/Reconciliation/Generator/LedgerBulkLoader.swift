import ChannelKit
import Foundation
import GRDB
import Logging
import NIOCore
import PostgresNIO

/// Writes generated rows straight into a ledger in large batches: SQLite in 20,000-row transactions with
/// prepared statements, PostgreSQL with `COPY … FROM STDIN`. Test and benchmark data only.
protocol LedgerBulkLoader {
    func load(_ rows: [GeneratedLedgerRow], channel: String, merchant: String) async throws
}

struct SQLiteBulkLoader: LedgerBulkLoader {
    var store: SQLitePaymentStore

    func load(_ rows: [GeneratedLedgerRow], channel: String, merchant: String) async throws {
        try await store.pool.write { db in
            let payment = try db.makeStatement(sql: """
                INSERT INTO payments (id, merchant_id, merchant_order_id, channel_id, amount, currency, subject, status,
                    bank_transaction_id, not_processed, created_at, updated_at, finished_at, next_check_at)
                VALUES (?, ?, ?, ?, ?, ?, 'generated', ?, ?, ?, ?, ?, ?, ?)
                """)
            let refund = try db.makeStatement(sql: """
                INSERT INTO refunds (id, payment_id, merchant_id, merchant_refund_id, amount, currency, reason, status,
                    bank_transaction_id, not_processed, created_at, updated_at, finished_at, next_check_at, channel_id)
                VALUES (?, ?, ?, ?, ?, ?, 'generated', ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for row in rows {
                let open = row.status == "pending" || row.status == "processing"
                let nextCheck: Int64? = open ? row.createdAt + 86_400_000 : nil
                switch row.kind {
                case .payment:
                    try payment.execute(arguments: [
                        row.id, merchant, row.orderId, channel, row.amount, row.currency, row.status, row.bankId,
                        row.notProcessed, row.createdAt, row.finishedAt ?? row.createdAt, row.finishedAt, nextCheck,
                    ])
                case .refund:
                    try refund.execute(arguments: [
                        row.id, row.paymentId, merchant, row.orderId, row.amount, row.currency, row.status, row.bankId,
                        row.notProcessed, row.createdAt, row.finishedAt ?? row.createdAt, row.finishedAt, nextCheck, channel,
                    ])
                }
            }
        }
    }
}

struct PostgresBulkLoader: LedgerBulkLoader {
    var store: PostgresPaymentStore
    var logger: Logger

    func load(_ rows: [GeneratedLedgerRow], channel: String, merchant: String) async throws {
        func field(_ value: String?) -> String { value ?? "\\N" }
        var payments = ByteBuffer()
        var refunds = ByteBuffer()
        for row in rows {
            let open = row.status == "pending" || row.status == "processing"
            let nextCheck = open ? String(row.createdAt + 86_400_000) : "\\N"
            let finished = row.finishedAt.map(String.init) ?? "\\N"
            let common = "\(row.amount)\t\(row.currency)\tgenerated\t\(row.status)\t\(field(row.bankId))\t\(row.notProcessed ? "t" : "f")\t\(row.createdAt)\t\(row.finishedAt ?? row.createdAt)\t\(finished)\t\(nextCheck)\n"
            switch row.kind {
            case .payment:
                payments.writeString("\(row.id)\t\(merchant)\t\(row.orderId)\t\(channel)\t" + common)
            case .refund:
                refunds.writeString("\(row.id)\t\(row.paymentId ?? "")\t\(merchant)\t\(row.orderId)\t\(channel)\t" + common)
            }
        }
        @Sendable func columns(_ text: String) -> [String] { [
            "amount", "currency", text, "status", "bank_transaction_id", "not_processed", "created_at", "updated_at",
            "finished_at", "next_check_at",
        ] }
        try await store.withConnection { [payments, refunds, logger] connection in
            if payments.readableBytes > 0 {
                try await connection.copyFrom(
                    table: "payments", columns: ["id", "merchant_id", "merchant_order_id", "channel_id"] + columns("subject"),
                    logger: logger
                ) { writer in try await writer.write(payments) }
            }
            if refunds.readableBytes > 0 {
                try await connection.copyFrom(
                    table: "refunds", columns: ["id", "payment_id", "merchant_id", "merchant_refund_id", "channel_id"] + columns("reason"),
                    logger: logger
                ) { writer in try await writer.write(refunds) }
            }
        }
    }
}

/// The generator's sink: ledger rows in batches to a loader, lines to the files.
struct GeneratorSink: GeneratedDataSink {
    var loader: any LedgerBulkLoader
    var files: GeneratedFiles
    var channel: String
    var merchant: String
    var pending: [GeneratedLedgerRow] = []

    mutating func ledger(_ row: GeneratedLedgerRow) async throws {
        pending.append(row)
        try files.ledger(row)
        if pending.count >= 20_000 {
            try await loader.load(pending, channel: channel, merchant: merchant)
            pending.removeAll(keepingCapacity: true)
        }
    }

    mutating func line(_ line: GeneratedLine) throws { try files.line(line) }

    mutating func finish() async throws {
        if !pending.isEmpty { try await loader.load(pending, channel: channel, merchant: merchant) }
        pending = []
        try files.finish()
    }
}
