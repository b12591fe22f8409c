import ChannelKit
import Foundation
import PostgresNIO

/// Column lists and row mapping of the PostgreSQL ledger. Times are BIGINT Unix milliseconds, as in SQLite.
extension PostgresPaymentStore {
    static let paymentColumns = """
        id, merchant_id, merchant_order_id, channel_id, amount, currency, subject, notify_url, metadata, status,
        bank_transaction_id, bank_code, bank_message, not_processed, outcome_reason, created_at, updated_at, finished_at,
        attempt_id, attempt_number
        """

    static let refundColumns = """
        id, payment_id, merchant_id, merchant_refund_id, amount, currency, reason, status, bank_transaction_id,
        bank_code, bank_message, not_processed, outcome_reason, created_at, updated_at, finished_at
        """

    static let webhookEventColumns = """
        id, merchant_id, transaction_id, kind, type, url, body, state, attempt_count, next_attempt_at, created_at
        """

    static func payment(_ row: PostgresRow) throws -> PaymentRecord {
        let row = row.makeRandomAccess()
        return PaymentRecord(
            id: try row.value("id"), merchantId: try row.value("merchant_id"),
            merchantOrderId: try row.value("merchant_order_id"), channelId: try row.value("channel_id"),
            amount: try row.value("amount"), currency: try row.value("currency"), subject: try row.value("subject"),
            notifyURL: try row.value("notify_url"), metadata: decodeMetadata(try row.value("metadata")),
            status: try row.status("status"), bankTransactionId: try row.value("bank_transaction_id"),
            bankCode: try row.value("bank_code"), bankMessage: try row.value("bank_message"),
            notProcessed: try row.value("not_processed"), outcomeReason: try row.value("outcome_reason"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            finishedAt: try row.optionalDate("finished_at"), attemptId: try row.value("attempt_id"),
            attemptNumber: try row.value("attempt_number"))
    }

    static func refund(_ row: PostgresRow) throws -> RefundRecord {
        let row = row.makeRandomAccess()
        return RefundRecord(
            id: try row.value("id"), paymentId: try row.value("payment_id"), merchantId: try row.value("merchant_id"),
            merchantRefundId: try row.value("merchant_refund_id"), amount: try row.value("amount"),
            currency: try row.value("currency"), reason: try row.value("reason"), status: try row.status("status"),
            bankTransactionId: try row.value("bank_transaction_id"), bankCode: try row.value("bank_code"),
            bankMessage: try row.value("bank_message"), notProcessed: try row.value("not_processed"),
            outcomeReason: try row.value("outcome_reason"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"),
            finishedAt: try row.optionalDate("finished_at"))
    }

    static func transition(_ row: PostgresRow) throws -> TransitionRecord {
        let row = row.makeRandomAccess()
        let from: String? = try row.value("from_status")
        return TransitionRecord(
            transactionId: try row.value("transaction_id"), kind: try row.kind("kind"),
            from: try from.map { try status($0) }, to: try row.status("to_status"), cause: try row.value("cause"),
            bankCode: try row.value("bank_code"), bankMessage: try row.value("bank_message"),
            outcomeReason: try row.value("outcome_reason"), at: try row.date("at"))
    }

    static func openTransaction(_ row: PostgresRow) throws -> OpenTransaction {
        let row = row.makeRandomAccess()
        return OpenTransaction(
            kind: try row.kind("kind"), id: try row.value("id"), transactionId: try row.value("transaction_id"),
            status: try row.status("status"),
            channelId: try row.value("channel_id"), amount: try row.value("amount"), currency: try row.value("currency"),
            createdAt: try row.date("created_at"), attempts: try row.value("check_attempts"),
            nextCheckAt: try row.date("next_check_at"))
    }

    static func webhookEvent(_ row: PostgresRandomAccessRow) throws -> WebhookEvent {
        let stateName: String = try row.value("state")
        guard let state = WebhookEvent.State(rawValue: stateName) else {
            throw StoreError("unknown webhook state '\(stateName)' in the ledger")
        }
        return WebhookEvent(
            id: try row.value("id"), merchantId: try row.value("merchant_id"),
            transactionId: try row.value("transaction_id"), kind: try row.kind("kind"), type: try row.value("type"),
            url: try row.value("url"), body: try row.value("body"), state: state,
            attemptCount: try row.value("attempt_count"), nextAttemptAt: try row.optionalDate("next_attempt_at"),
            createdAt: try row.date("created_at"))
    }

    /// The attempt columns of a webhook_events LEFT JOIN webhook_attempts row (aliased `attempt_*`); nil for an
    /// event without attempts.
    static func webhookAttempt(_ row: PostgresRandomAccessRow) throws -> WebhookAttempt? {
        guard let number = try row.value("attempt_number", as: Int?.self) else { return nil }
        return WebhookAttempt(
            number: number, at: try row.date("attempt_at"), url: try row.value("attempt_url"),
            httpStatus: try row.value("attempt_http_status"), error: try row.value("attempt_error"),
            durationMs: try row.value("attempt_duration_ms"))
    }

    static func status(_ name: String) throws -> TransactionStatus {
        guard let status = TransactionStatus(rawValue: name) else {
            throw StoreError("unknown transaction status '\(name)' in the ledger")
        }
        return status
    }

    /// Metadata is stored as JSON text with sorted keys (the same bytes SQLite stores).
    static func encodeMetadata(_ metadata: [String: String]?) throws -> String? {
        guard let metadata else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(metadata), as: UTF8.self)
    }

    static func decodeMetadata(_ text: String?) -> [String: String]? {
        guard let text else { return nil }
        return try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

    static func table(_ kind: TransactionKind) -> String { kind == .payment ? "payments" : "refunds" }
}

extension PostgresRandomAccessRow {
    fileprivate func value<T: PostgresDecodable>(_ column: String, as _: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }

    fileprivate func date(_ column: String) throws -> Date {
        PostgresPaymentStore.date(try value(column, as: Int64.self))
    }

    fileprivate func optionalDate(_ column: String) throws -> Date? {
        try value(column, as: Int64?.self).map(PostgresPaymentStore.date)
    }

    fileprivate func status(_ column: String) throws -> TransactionStatus {
        try PostgresPaymentStore.status(try value(column))
    }

    fileprivate func kind(_ column: String) throws -> TransactionKind {
        let name: String = try value(column)
        guard let kind = TransactionKind(rawValue: name) else {
            throw StoreError("unknown transaction kind '\(name)' in the ledger")
        }
        return kind
    }
}
