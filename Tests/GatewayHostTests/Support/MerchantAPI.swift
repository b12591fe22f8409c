import Foundation

/// The merchant API bodies the plugin tests send and read (docs/HELPER-NOTES.md, "Merchant API").
enum MerchantAPI {
    /// `POST /v1/payments`.
    struct CreatePayment: Encodable {
        var merchantOrderId = "order-\(UUID().uuidString.prefix(12))"
        var amount: Int64
        var currency = "CNY"
        var subject: String
        var channel: String?

        enum CodingKeys: String, CodingKey {
            case merchantOrderId = "merchant_order_id"
            case amount, currency, subject, channel
        }
    }

    /// `POST /v1/payments/{id}/refunds`.
    struct CreateRefund: Encodable {
        var merchantRefundId = "refund-\(UUID().uuidString.prefix(12))"
        var amount: Int64
        var reason: String

        enum CodingKeys: String, CodingKey {
            case merchantRefundId = "merchant_refund_id"
            case amount, reason
        }
    }

    /// The fields of a payment or refund object the tests look at.
    struct Transaction: Decodable {
        var id: String
        var status: String
    }

    /// Headers naming merchant `merchant`.
    static func headers(merchant: String = "m1") -> [String: String] { ["X-Merchant-Id": merchant] }

    /// GETs `url` (a payment or refund) until its status is not `processing`/`pending`, for at most `timeout`.
    static func waitUntilFinal(_ url: URL, merchant: String = "m1", timeout: Duration = .seconds(15)) async throws
        -> Transaction
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let response = try await TestHTTP.get(url, headers: headers(merchant: merchant))
            guard response.status == 200 else {
                throw HarnessError("GET \(url.path) answered \(response.status): \(response.text)")
            }
            let transaction = try response.decode(Transaction.self)
            if !["processing", "pending"].contains(transaction.status) || ContinuousClock.now >= deadline {
                return transaction
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
