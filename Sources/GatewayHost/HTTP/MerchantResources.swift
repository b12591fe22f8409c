import Foundation

/// `POST /v1/payments` body.
struct CreatePaymentBody: Decodable, Sendable {
    var merchant_order_id: String
    var amount: Int64
    var currency: String
    var subject: String
    var channel: String?
    var notify_url: String?
    var metadata: [String: String]?
}

/// `POST /v1/payments/{id}/refunds` body.
struct CreateRefundBody: Decodable, Sendable {
    var merchant_refund_id: String
    var amount: Int64
    var reason: String?
}

/// A payment as the merchant API shows it.
struct PaymentResource: Encodable, Sendable {
    var id: String
    var object = "payment"
    var merchant_order_id: String
    var status: String
    var amount: Int64
    var currency: String
    var subject: String
    var channel: String
    var refunded_amount: Int64
    var refundable_amount: Int64
    var bank_transaction_id: String?
    var bank_code: String?
    var bank_message: String?
    var not_processed: Bool
    var notify_url: String?
    var metadata: [String: String]?
    var created_at: Date
    var updated_at: Date
    var finished_at: Date?

    init(_ record: PaymentRecord, refunds: (committed: Int64, succeeded: Int64)) {
        id = record.id
        merchant_order_id = record.merchantOrderId
        status = record.status.rawValue
        amount = record.amount
        currency = record.currency
        subject = record.subject
        channel = record.channelId
        refunded_amount = refunds.succeeded
        refundable_amount = record.status == .succeeded ? record.amount - refunds.committed : 0
        bank_transaction_id = record.bankTransactionId
        bank_code = record.bankCode
        bank_message = record.bankMessage
        not_processed = record.notProcessed
        notify_url = record.notifyURL
        metadata = record.metadata
        created_at = record.createdAt
        updated_at = record.updatedAt
        finished_at = record.finishedAt
    }
}

/// A refund as the merchant API shows it.
struct RefundResource: Encodable, Sendable {
    var id: String
    var object = "refund"
    var payment_id: String
    var merchant_refund_id: String
    var status: String
    var amount: Int64
    var currency: String
    var reason: String
    var bank_transaction_id: String?
    var bank_code: String?
    var bank_message: String?
    var not_processed: Bool
    var created_at: Date
    var updated_at: Date
    var finished_at: Date?

    init(_ record: RefundRecord) {
        id = record.id
        payment_id = record.paymentId
        merchant_refund_id = record.merchantRefundId
        status = record.status.rawValue
        amount = record.amount
        currency = record.currency
        reason = record.reason
        bank_transaction_id = record.bankTransactionId
        bank_code = record.bankCode
        bank_message = record.bankMessage
        not_processed = record.notProcessed
        created_at = record.createdAt
        updated_at = record.updatedAt
        finished_at = record.finishedAt
    }
}
