import SimulatorSupport
import Foundation
import JiangnanProtocol

/// Status values of payments and refunds.
enum TransactionStatus: String, Sendable, Codable {
    case success = "SUCCESS"
    case processing = "PROCESSING"
    case failed = "FAILED"

    /// Whether the transaction reached a final state.
    var isFinal: Bool { self != .processing }
}

/// A payment the bank recorded.
struct PaymentRecord: Sendable {
    var merchantNo: String
    var outTradeNo: String
    var tradeNo: String
    var amount: Int64
    var currency: String
    var subject: String
    var notifyURL: String
    var status: TransactionStatus
    /// Sim-clock Unix milliseconds of completion; `nil` while processing.
    var finishedAtMilliseconds: Int64?
    var failCode: String
    var failMessage: String
    /// The bank's fee in fen, fixed when the payment succeeds.
    var fee: Int64

    /// `finished_at` as the bank writes it; empty while processing.
    var finishedAt: String {
        finishedAtMilliseconds.map(SimulatorClock.bankTime) ?? ""
    }

    /// The `data` of a pay or query answer.
    var wireData: JiangnanTradeData {
        JiangnanTradeData(
            out_trade_no: outTradeNo, trade_no: tradeNo, status: status.rawValue, amount: amount,
            finished_at: finishedAt, fail_code: failCode, fail_msg: failMessage)
    }
}

/// A refund the bank recorded.
struct RefundRecord: Sendable {
    var merchantNo: String
    var outRefundNo: String
    var outTradeNo: String
    var refundNo: String
    var refundAmount: Int64
    var reason: String
    var status: TransactionStatus
    var finishedAtMilliseconds: Int64?

    /// `finished_at` as the bank writes it; empty while processing.
    var finishedAt: String {
        finishedAtMilliseconds.map(SimulatorClock.bankTime) ?? ""
    }

    /// The `data` of a refund or refund query answer.
    var wireData: JiangnanRefundData {
        JiangnanRefundData(
            out_refund_no: outRefundNo, out_trade_no: outTradeNo, refund_no: refundNo, status: status.rawValue,
            refund_amount: refundAmount, finished_at: finishedAt)
    }
}

/// One request the bank received, accepted or not.
struct RequestLogEntry: Sendable, Encodable {
    /// Sim-clock Unix milliseconds.
    var at: Int64
    var method: String
    var target: String
    var merchant_no: String
    /// The result code the bank decided on; empty when it decided none (`5xx-before`, `query-unavailable`).
    var code: String
    var out_trade_no: String?
    var out_refund_no: String?
    /// The ``Fault`` applied (its name), `query-unavailable`, or `nil` (JSON `null`) for none.
    var fault: String?

    enum CodingKeys: String, CodingKey {
        case at, method, target, merchant_no, code, out_trade_no, out_refund_no, fault
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(at, forKey: .at)
        try c.encode(method, forKey: .method)
        try c.encode(target, forKey: .target)
        try c.encode(merchant_no, forKey: .merchant_no)
        try c.encode(code, forKey: .code)
        try c.encodeIfPresent(out_trade_no, forKey: .out_trade_no)
        try c.encodeIfPresent(out_refund_no, forKey: .out_refund_no)
        try c.encode(fault, forKey: .fault)
    }
}

/// One notification delivery attempt.
struct NotificationLogEntry: Sendable, Encodable {
    var event: String
    /// `out_trade_no` or `out_refund_no` of the transaction.
    var id: String
    var url: String
    /// 1-based attempt number.
    var attempt: Int
    /// HTTP status of the answer; `nil` (JSON `null`) when no answer arrived.
    var http_status: Int?
    var delivered: Bool
    /// Sim-clock Unix milliseconds of the attempt.
    var at: Int64
    /// Transport error text when no answer arrived.
    var error: String?

    enum CodingKeys: String, CodingKey { case event, id, url, attempt, http_status, delivered, at, error }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(event, forKey: .event)
        try c.encode(id, forKey: .id)
        try c.encode(url, forKey: .url)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(http_status, forKey: .http_status)
        try c.encode(delivered, forKey: .delivered)
        try c.encode(at, forKey: .at)
        try c.encodeIfPresent(error, forKey: .error)
    }
}

/// `GET /_sim/record`: the bank's own truth.
struct SimulatorRecord: Sendable, Encodable {
    struct Payment: Sendable, Encodable {
        var merchant_no: String
        var out_trade_no: String
        var trade_no: String
        var amount: Int64
        var currency: String
        var subject: String
        var status: String
        var finished_at: String
        var fail_code: String
        var fee: Int64
        var notify_url: String
        var refunded_amount: Int64
    }

    struct Refund: Sendable, Encodable {
        var merchant_no: String
        var out_refund_no: String
        var out_trade_no: String
        var refund_no: String
        var refund_amount: Int64
        var status: String
        var finished_at: String
    }

    var requests: [RequestLogEntry]
    var payments: [Payment]
    var refunds: [Refund]
    var notifications: [NotificationLogEntry]
}
