import Foundation

/// A refund of the merchant API (docs/openapi.yaml, `Refund`) as gatewayctl prints it.
struct RefundView: Decodable {
    var id: String
    var payment_id: String
    var merchant_refund_id: String
    var status: String
    var amount: Int64
    var currency: String
    var reason: String?
    var bank_transaction_id: String?
    var bank_code: String?
    var bank_message: String?
    var decline_code: String?
    var decline_reason: String?
    var pending_cause: String?
    var needs_attention: Bool?
    var created_at: String?
    var finished_at: String?

    /// One `field  value` line per field that has a value; `replayed` marks the stored answer of an earlier
    /// request with the same merchant_refund_id.
    func render(replayed: Bool = false) -> String {
        var rows: [(String, String?)] = [
            ("refund", id),
            ("payment", payment_id),
            ("merchant_refund_id", merchant_refund_id),
            ("status", status),
            ("decline_code", decline_code),
            ("decline_reason", decline_reason),
            ("pending_cause", pending_cause),
            ("amount", "\(amount) \(currency) (minor units)"),
            ("reason", reason),
            ("bank_transaction_id", bank_transaction_id),
            ("bank_code", bank_code),
            ("bank_message", bank_message),
            ("needs_attention", needs_attention == true ? "yes (open for longer than the gateway's alert age)" : nil),
            ("created_at", created_at),
            ("finished_at", finished_at),
        ]
        if replayed { rows.append(("replayed", "yes: the stored answer of an earlier request with this merchant_refund_id")) }
        return FieldList.render(rows)
    }
}
