import ChannelKit
import Foundation
import JiangnanProtocol

/// A channel configuration, validated for the Jiangnan interface.
struct JiangnanSettings: Sendable {
    /// The merchant number the bank assigned (`X-JN-MerchantNo`).
    let merchantNo: String
    /// Signs with the merchant's current secret and verifies with the current or the next one; never exposes
    /// them.
    let keys: JiangnanKeyring
    /// The endpoint without a trailing `/`; operation targets (`/api/v1/pay`) are appended to it.
    let baseURL: String
    /// The currency the bank takes.
    let currency: Currency
    /// The largest amount this channel accepts (the gateway's effective bound for CNY).
    let maximumAmount: Int64
    /// The channel's configured download time limit.
    let downloadTimeout: Duration

    /// Validates `configuration`.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/invalidConfiguration`` naming the bad key.
    init(_ configuration: ChannelConfiguration) throws(PaymentChannelError) {
        let merchantNo = try configuration.requiredSetting("merchant_no")
        guard JiangnanRules.isValidCallerId(merchantNo) else {
            throw PaymentChannelError(.invalidConfiguration, "setting 'merchant_no' must be 1–64 characters of [A-Za-z0-9_-]")
        }
        let secret = try configuration.requiredCredential("secret")

        let endpoint = configuration.endpoint
        guard let components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw PaymentChannelError(.invalidConfiguration, "'endpoint' must be an http or https URL with a host")
        }
        guard components.query == nil, components.fragment == nil else {
            throw PaymentChannelError(.invalidConfiguration, "'endpoint' must not have a query or fragment")
        }
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }

        // The gateway hands over the manifest's bounds narrowed by the config; Jiangnan takes CNY only.
        guard let cny = Currency(code: "CNY"), let bound = configuration.currencies.bound(for: cny) else {
            throw PaymentChannelError(.invalidConfiguration, "'currencies' must list CNY")
        }
        if let other = configuration.currencies.first(where: { $0.currency != cny }) {
            throw PaymentChannelError(
                .invalidConfiguration, "'currencies' lists \(other.currency.code), but Jiangnan takes only CNY")
        }

        self.merchantNo = merchantNo
        self.keys = JiangnanKeyring(secret)
        self.baseURL = base
        self.currency = cny
        self.maximumAmount = min(bound.maximumMinorUnits, JiangnanRules.maximumAmount)
        self.downloadTimeout = configuration.timeouts.download
    }
}
