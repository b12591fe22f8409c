/// A simulator's `GET /_sim/record`: what the bank received and did, the same shape for every simulator, so that
/// tests decode every bank's record with these types.
///
/// Ids are the caller's (`transaction_id`: the merchant's order or serial number) and the bank's
/// (`bank_transaction_id`); amounts are minor units; times are the simulator clock's Unix milliseconds.
public struct SimRecord: Codable, Sendable, Equatable {
    /// The state of a payment or refund in the bank's books.
    public enum Status: String, Codable, Sendable {
        case succeeded
        case processing
        case failed

        /// Whether the transaction is final.
        public var isFinal: Bool { self != .processing }
    }

    /// One request the bank received, with what it answered.
    public struct Request: Codable, Sendable, Equatable {
        /// When it arrived.
        public var at: Int64
        /// The operation (`pay`, `refund`, `query`, `statement`, or the bank's own name of an unknown one).
        public var operation: String
        /// The HTTP method and target as received.
        public var method: String
        public var target: String
        /// The merchant number the request claimed (empty when unreadable).
        public var merchant: String
        /// The bank's result code in the answer; empty when the answer carried none (a 5xx before processing).
        public var code: String
        /// The caller's id the request named (a payment's or refund's), when it named one.
        public var transaction_id: String?
        /// Whether the request's signature verified.
        public var signature_valid: Bool
        /// The fault injected into this request, if any (``Fault`` raw value).
        public var fault: String?

        public init(
            at: Int64, operation: String, method: String, target: String, merchant: String, code: String,
            transaction_id: String?, signature_valid: Bool, fault: String?
        ) {
            self.at = at
            self.operation = operation
            self.method = method
            self.target = target
            self.merchant = merchant
            self.code = code
            self.transaction_id = transaction_id
            self.signature_valid = signature_valid
            self.fault = fault
        }
    }

    /// A payment in the bank's books.
    public struct Payment: Codable, Sendable, Equatable {
        public var merchant: String
        public var transaction_id: String
        public var bank_transaction_id: String
        public var amount: Int64
        /// As the bank's protocol writes it (`CNY`, `156`).
        public var currency: String
        public var subject: String
        public var status: Status
        /// The bank's result code of a failed payment; empty otherwise.
        public var code: String
        /// When it became final; `nil` while processing.
        public var finished_at: Int64?
        public var fee: Int64
        public var notify_url: String
        /// The sum of its refunds that did not fail.
        public var refunded_amount: Int64

        public init(
            merchant: String, transaction_id: String, bank_transaction_id: String, amount: Int64, currency: String,
            subject: String, status: Status, code: String, finished_at: Int64?, fee: Int64, notify_url: String,
            refunded_amount: Int64
        ) {
            self.merchant = merchant
            self.transaction_id = transaction_id
            self.bank_transaction_id = bank_transaction_id
            self.amount = amount
            self.currency = currency
            self.subject = subject
            self.status = status
            self.code = code
            self.finished_at = finished_at
            self.fee = fee
            self.notify_url = notify_url
            self.refunded_amount = refunded_amount
        }
    }

    /// A refund in the bank's books.
    public struct Refund: Codable, Sendable, Equatable {
        public var merchant: String
        public var transaction_id: String
        /// The caller's id of the refunded payment.
        public var payment_transaction_id: String
        public var bank_transaction_id: String
        public var amount: Int64
        public var reason: String
        public var status: Status
        public var finished_at: Int64?

        public init(
            merchant: String, transaction_id: String, payment_transaction_id: String, bank_transaction_id: String,
            amount: Int64, reason: String, status: Status, finished_at: Int64?
        ) {
            self.merchant = merchant
            self.transaction_id = transaction_id
            self.payment_transaction_id = payment_transaction_id
            self.bank_transaction_id = bank_transaction_id
            self.amount = amount
            self.reason = reason
            self.status = status
            self.finished_at = finished_at
        }
    }

    /// One attempt to deliver a notification.
    public struct Notification: Codable, Sendable, Equatable {
        /// `pay` or `refund`.
        public var kind: String
        public var transaction_id: String
        public var url: String
        /// 1 for the first attempt.
        public var attempt: Int
        /// The merchant's HTTP status; `nil` when no answer came.
        public var http_status: Int?
        /// Whether the merchant's answer acknowledged it as the bank's document requires.
        public var delivered: Bool
        public var at: Int64
        public var error: String?

        public init(
            kind: String, transaction_id: String, url: String, attempt: Int, http_status: Int?, delivered: Bool,
            at: Int64, error: String?
        ) {
            self.kind = kind
            self.transaction_id = transaction_id
            self.url = url
            self.attempt = attempt
            self.http_status = http_status
            self.delivered = delivered
            self.at = at
            self.error = error
        }
    }

    public var requests: [Request]
    public var payments: [Payment]
    public var refunds: [Refund]
    public var notifications: [Notification]

    public init(requests: [Request], payments: [Payment], refunds: [Refund], notifications: [Notification]) {
        self.requests = requests
        self.payments = payments
        self.refunds = refunds
        self.notifications = notifications
    }
}
