import ChannelKit
import Foundation

/// A validated request to create a payment.
struct NewPayment: Sendable {
    var merchantId: String
    var merchantOrderId: String
    var amount: Money
    var subject: String
    var channelId: String?
    var notifyURL: String?
    var metadata: [String: String]?
    /// The payer's bank and region, for routing rules (not stored).
    var payerBank: String? = nil
    var payerRegion: String? = nil
    /// The request's nonce, recorded by the payment's insert transaction (nil: recorded already, or none).
    var nonce: MerchantNonce? = nil
}

/// A validated request to refund a payment.
struct NewRefund: Sendable {
    var merchantId: String
    var paymentId: String
    var merchantRefundId: String
    var amount: Int64
    var reason: String
    /// The request's nonce, recorded by the refund's insert transaction (nil: recorded already, or none).
    var nonce: MerchantNonce? = nil
}

/// The answer to a create call: the stored record and whether it was created by this call.
struct Created<Record: Sendable>: Sendable {
    var record: Record
    var isNew: Bool
}
