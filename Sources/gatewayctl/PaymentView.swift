import Foundation

/// A payment of the merchant API (docs/openapi.yaml, `Payment`) as gatewayctl prints it.
struct PaymentView: Decodable {
    var id: String
    var merchant_order_id: String
    var status: String
    var amount: Int64
    var currency: String
    var subject: String?
    var channel: String?
    var decline_code: String?
    var needs_attention: Bool?
    var refunded_amount: Int64?
    var refundable_amount: Int64?
    var bank_transaction_id: String?
    var bank_code: String?
    var bank_message: String?
    var notify_url: String?
    var created_at: String?
    var finished_at: String?

    /// One `field  value` line per field that has a value; `replayed` marks the stored answer of an
    /// earlier request with the same merchant_order_id.
    func render(replayed: Bool = false) -> String {
        var rows: [(String, String?)] = [
            ("payment", id),
            ("merchant_order_id", merchant_order_id),
            ("status", status),
            ("decline_code", decline_code),
            ("amount", "\(amount) \(currency) (minor units)"),
            ("subject", subject),
            ("channel", channel),
            ("bank_transaction_id", bank_transaction_id),
            ("bank_code", bank_code),
            ("bank_message", bank_message),
            ("refunded_amount", refunded_amount.map(String.init)),
            ("refundable_amount", refundable_amount.map(String.init)),
            ("needs_attention", needs_attention == true ? "yes (open for longer than the gateway's alert age)" : nil),
            ("notify_url", notify_url),
            ("created_at", created_at),
            ("finished_at", finished_at),
        ]
        if replayed { rows.append(("replayed", "yes: the stored answer of an earlier request with this merchant_order_id")) }
        return FieldList.render(rows)
    }
}
