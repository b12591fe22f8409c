/// A payment as ops see it (`GET /admin/payments/…`): any merchant's, with its merchant.
public struct AdminPayment: Codable, Sendable, Equatable {
    public var id: String
    public var merchantId: String
    public var merchantOrderId: String
    public var channel: String
    public var amount: Int64
    public var currency: String
    public var status: String
    /// The decline reason of a declined payment or the pending cause of an open one.
    public var outcomeReason: String?
    public var bankCode: String?
    public var bankMessage: String?
    public var bankTransactionId: String?
    public var needsAttention: Bool
    public var createdAt: String
    public var updatedAt: String
    public var finishedAt: String?
    /// Seconds since it was created.
    public var ageSeconds: Int
    /// Every attempt, oldest first, the current one last: given by the lookups of one payment
    /// (`GET /admin/payments/{id}`, `GET /admin/payments?merchant=&order=`), absent from lists.
    public var attempts: [AdminPaymentAttempt]?

    public init(
        id: String, merchantId: String, merchantOrderId: String, channel: String, amount: Int64, currency: String,
        status: String, outcomeReason: String?, bankCode: String?, bankMessage: String?, bankTransactionId: String?,
        needsAttention: Bool, createdAt: String, updatedAt: String, finishedAt: String?, ageSeconds: Int,
        attempts: [AdminPaymentAttempt]? = nil
    ) {
        self.id = id
        self.merchantId = merchantId
        self.merchantOrderId = merchantOrderId
        self.channel = channel
        self.amount = amount
        self.currency = currency
        self.status = status
        self.outcomeReason = outcomeReason
        self.bankCode = bankCode
        self.bankMessage = bankMessage
        self.bankTransactionId = bankTransactionId
        self.needsAttention = needsAttention
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.finishedAt = finishedAt
        self.ageSeconds = ageSeconds
        self.attempts = attempts
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, amount, currency, status, attempts
        case merchantId = "merchant_id"
        case merchantOrderId = "merchant_order_id"
        case outcomeReason = "outcome_reason"
        case bankCode = "bank_code"
        case bankMessage = "bank_message"
        case bankTransactionId = "bank_transaction_id"
        case needsAttention = "needs_attention"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case finishedAt = "finished_at"
        case ageSeconds = "age_seconds"
    }
}

/// One attempt of a payment: one channel, one bank-visible transaction id.
public struct AdminPaymentAttempt: Codable, Sendable, Equatable {
    public var number: Int
    public var channel: String
    /// The id the bank knows this attempt by.
    public var transactionId: String
    public var status: String
    /// The decline reason or the pending cause.
    public var outcomeReason: String?
    public var bankCode: String?
    public var bankMessage: String?
    public var bankTransactionId: String?
    /// Why the next attempt was tried; absent for the current one.
    public var failoverReason: String?
    public var createdAt: String
    public var finishedAt: String?

    public init(
        number: Int, channel: String, transactionId: String, status: String, outcomeReason: String?, bankCode: String?,
        bankMessage: String?, bankTransactionId: String?, failoverReason: String?, createdAt: String, finishedAt: String?
    ) {
        self.number = number
        self.channel = channel
        self.transactionId = transactionId
        self.status = status
        self.outcomeReason = outcomeReason
        self.bankCode = bankCode
        self.bankMessage = bankMessage
        self.bankTransactionId = bankTransactionId
        self.failoverReason = failoverReason
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    enum CodingKeys: String, CodingKey {
        case number, channel, status
        case transactionId = "transaction_id"
        case outcomeReason = "outcome_reason"
        case bankCode = "bank_code"
        case bankMessage = "bank_message"
        case bankTransactionId = "bank_transaction_id"
        case failoverReason = "failover_reason"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
    }
}

/// `GET /admin/payments/pending`: open payments older than the threshold, oldest first.
public struct AdminPendingPayments: Codable, Sendable, Equatable {
    public var olderThanSeconds: Int
    public var payments: [AdminPayment]

    public init(olderThanSeconds: Int, payments: [AdminPayment]) {
        self.olderThanSeconds = olderThanSeconds
        self.payments = payments
    }

    enum CodingKeys: String, CodingKey {
        case payments
        case olderThanSeconds = "older_than_seconds"
    }
}

/// A channel's payments of one business day (`GET /admin/channels/{id}`), by status and currency.
public struct AdminChannelDay: Codable, Sendable, Equatable {
    /// The business day (yyyy-MM-dd) in `timeZone`: the bank's (its statement time zone) or UTC.
    public var date: String
    public var timeZone: String
    public var totals: [AdminChannelTotal]

    public init(date: String, timeZone: String, totals: [AdminChannelTotal]) {
        self.date = date
        self.timeZone = timeZone
        self.totals = totals
    }

    enum CodingKeys: String, CodingKey {
        case date, totals
        case timeZone = "time_zone"
    }
}

/// How many payments, and how much, in one status and currency.
public struct AdminChannelTotal: Codable, Sendable, Equatable {
    public var status: String
    public var currency: String
    public var count: Int
    public var amount: Int64

    public init(status: String, currency: String, count: Int, amount: Int64) {
        self.status = status
        self.currency = currency
        self.count = count
        self.amount = amount
    }
}
