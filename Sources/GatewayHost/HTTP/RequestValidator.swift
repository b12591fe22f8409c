import ChannelKit
import Foundation

/// Checks merchant input before anything is stored. Every failure is a 4xx with a stable code.
enum RequestValidator {
    /// The largest amount any request may carry, in minor units (channels may set lower limits).
    static let absoluteMaximumAmount: Int64 = 99_999_999_999

    /// The merchant of an authenticated request (`MerchantAuthenticator` has verified the header).
    static func merchantId(_ header: String?) throws -> String {
        guard let id = header, isIdentifier(id, maxLength: 64) else { throw AuthError.headersMissing }
        return id
    }

    static func payment(_ body: CreatePaymentBody, merchantId: String) throws -> NewPayment {
        guard isIdentifier(body.merchant_order_id, maxLength: 64) else {
            throw GatewayError.invalidRequest("merchant_order_id must be 1–64 characters of [A-Za-z0-9_-]")
        }
        guard let currency = Currency(code: body.currency) else { throw GatewayError.unknownCurrency(body.currency) }
        let amount = try self.amount(body.amount, currency)
        let subject = body.subject.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...128).contains(subject.count) else {
            throw GatewayError.invalidRequest("subject must be 1–128 characters")
        }
        if let channel = body.channel, !isIdentifier(channel, maxLength: 64) {
            throw GatewayError.invalidRequest("channel must be 1–64 characters of [A-Za-z0-9_-]")
        }
        if let url = body.notify_url {
            guard url.utf8.count <= 2048, let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
                scheme == "http" || scheme == "https", parsed.host?.isEmpty == false
            else { throw GatewayError.invalidRequest("notify_url must be an http or https URL of at most 2048 bytes") }
        }
        if let metadata = body.metadata {
            guard metadata.count <= 20 else { throw GatewayError.invalidRequest("metadata may have at most 20 keys") }
            for (key, value) in metadata where key.isEmpty || key.count > 64 || value.count > 512 {
                throw GatewayError.invalidRequest("metadata keys must be 1–64 and values at most 512 characters")
            }
        }
        for (name, value) in [("payer.bank", body.payer?.bank), ("payer.region", body.payer?.region)] {
            if let value, !isIdentifier(value, maxLength: 32) {
                throw GatewayError.invalidRequest("\(name) must be 1–32 characters of [A-Za-z0-9_-]")
            }
        }
        var payment = NewPayment(
            merchantId: merchantId, merchantOrderId: body.merchant_order_id, amount: amount, subject: subject,
            channelId: body.channel, notifyURL: body.notify_url, metadata: body.metadata)
        payment.payerBank = body.payer?.bank
        payment.payerRegion = body.payer?.region
        return payment
    }

    static func refund(_ body: CreateRefundBody, paymentId: String, merchantId: String) throws -> NewRefund {
        guard isIdentifier(body.merchant_refund_id, maxLength: 64) else {
            throw GatewayError.invalidRequest("merchant_refund_id must be 1–64 characters of [A-Za-z0-9_-]")
        }
        guard body.amount > 0 else {
            throw GatewayError.invalidAmount("amount must be a positive integer of minor units")
        }
        guard body.amount <= absoluteMaximumAmount else {
            throw GatewayError.amountTooLarge("amount exceeds \(absoluteMaximumAmount) minor units")
        }
        let reason = (body.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard reason.count <= 256 else { throw GatewayError.invalidRequest("reason must be at most 256 characters") }
        return NewRefund(
            merchantId: merchantId, paymentId: paymentId, merchantRefundId: body.merchant_refund_id, amount: body.amount,
            reason: reason.isEmpty ? "refund" : reason)
    }

    static func amount(_ minorUnits: Int64, _ currency: Currency) throws -> Money {
        let money = Money(minorUnits: minorUnits, currency: currency)
        guard minorUnits > 0 else { throw GatewayError.invalidAmount("amount must be a positive integer of minor units") }
        do {
            try money.validate(maximumMinorUnits: absoluteMaximumAmount)
        } catch {
            throw GatewayError.amountTooLarge(error.message)
        }
        return money
    }

    static func isIdentifier(_ text: String, maxLength: Int) -> Bool {
        !text.isEmpty && text.utf8.count <= maxLength
            && text.utf8.allSatisfy {
                ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 || $0 == 45
            }
    }
}
