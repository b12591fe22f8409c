import ChannelKit
import Foundation

@testable import GatewayHost

/// Records and updates for the storage tests. Times are whole milliseconds, as the ledger stores them, so a
/// record read back equals the one written.
enum LedgerFixtures {
    /// A fixed instant, 2026-11-19 some time, on a millisecond.
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000.250)

    /// `t0` plus `seconds` (rounded to milliseconds).
    static func at(_ seconds: Double) -> Date {
        Date(timeIntervalSince1970: (t0.timeIntervalSince1970 * 1000 + (seconds * 1000).rounded()) / 1000)
    }

    static func uniqueId(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.lowercased().prefix(12))"
    }

    static func payment(
        id: String = uniqueId("pay"), merchantId: String = "m1", merchantOrderId: String = uniqueId("order"),
        amount: Int64 = 10_000, notifyURL: String? = "http://127.0.0.1:9/hooks/m1",
        metadata: [String: String]? = ["b": "2", "a": "1 \"quoted\" ünï"], createdAt: Date = t0
    ) -> PaymentRecord {
        PaymentRecord(
            id: id, merchantId: merchantId, merchantOrderId: merchantOrderId, channelId: "jiangnan", amount: amount,
            currency: "CNY", subject: "Tea", notifyURL: notifyURL, metadata: metadata, status: .processing,
            bankTransactionId: nil, bankCode: nil, bankMessage: nil, notProcessed: false, createdAt: createdAt,
            updatedAt: createdAt, finishedAt: nil)
    }

    static func refund(
        of payment: PaymentRecord, id: String = uniqueId("ref"), merchantRefundId: String = uniqueId("refund"),
        amount: Int64, createdAt: Date = at(60)
    ) -> RefundRecord {
        RefundRecord(
            id: id, paymentId: payment.id, merchantId: payment.merchantId, merchantRefundId: merchantRefundId,
            amount: amount, currency: payment.currency, reason: "returned", status: .processing,
            bankTransactionId: nil, bankCode: nil, bankMessage: nil, notProcessed: false, createdAt: createdAt,
            updatedAt: createdAt, finishedAt: nil)
    }

    static func succeeded(cause: String = "pay_response", at now: Date, code: String = "0000") -> OutcomeUpdate {
        OutcomeUpdate(
            .succeeded(
                bankTransactionId: "JN\(ms(now))", amount: Money(minorUnits: 1, currency: Currency(code: "CNY")!),
                finishedAt: now, bankCode: code),
            cause: cause, now: now)
    }

    static func declined(cause: String = "pay_response", at now: Date, code: String = "3001") -> OutcomeUpdate {
        OutcomeUpdate(.declined(bankCode: code, message: "insufficient funds"), cause: cause, now: now)
    }

    static func pending(cause: String = "pay_timeout", at now: Date, nextCheckAt: Date) -> OutcomeUpdate {
        OutcomeUpdate(
            .pending(.serverError, bankCode: "9999", message: "bank busy"), cause: cause, now: now, nextCheckAt: nextCheckAt)
    }

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

extension PaymentInsertResult {
    var inserted: PaymentRecord? {
        if case .inserted(let record) = self { record } else { nil }
    }
    var existing: PaymentRecord? {
        if case .existing(let record) = self { record } else { nil }
    }
    var refusal: LimitRefusal? {
        if case .limitExceeded(let refusal) = self { refusal } else { nil }
    }
}

extension RefundInsertResult {
    var inserted: RefundRecord? {
        if case .inserted(let record) = self { record } else { nil }
    }
    var existing: RefundRecord? {
        if case .existing(let record) = self { record } else { nil }
    }
    var remaining: Int64? {
        if case .exceedsRemaining(let remaining) = self { remaining } else { nil }
    }
    var notRefundable: PaymentRecord? {
        if case .paymentNotRefundable(let payment) = self { payment } else { nil }
    }
}
