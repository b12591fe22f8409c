import ChannelKit
import Foundation
import JiangnanProtocol

/// A channel configuration, validated for the Jiangnan interface.
struct JiangnanSettings: Sendable {
    /// The merchant number the bank assigned (`X-JN-MerchantNo`).
    let merchantNo: String
    /// Signs with the merchant's secret; never exposes it.
    let signer: JiangnanSigner
    /// The endpoint without a trailing `/`; operation targets (`/api/v1/pay`) are appended to it.
    let baseURL: String
    /// The currency the bank takes.
    let currency: Currency
    /// The largest amount this channel accepts: the configured maximum, capped by the bank's.
    let maximumAmount: Int64
    /// The channel's configured download time limit.
    let downloadTimeout: Duration

    /// Validates `configuration`.
    /// - Throws: ``ChannelError`` with ``ChannelError/Code/invalidConfiguration`` naming the bad key.
    init(_ configuration: ChannelConfiguration) throws(ChannelError) {
        let merchantNo = try configuration.requiredSetting("merchant_no")
        guard JiangnanRules.isValidCallerId(merchantNo) else {
            throw ChannelError(.invalidConfiguration, "setting 'merchant_no' must be 1–64 characters of [A-Za-z0-9_-]")
        }
        let secret = try configuration.requiredCredential("secret")

        let endpoint = configuration.endpoint
        guard let components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            throw ChannelError(.invalidConfiguration, "'endpoint' must be an http or https URL with a host")
        }
        guard components.query == nil, components.fragment == nil else {
            throw ChannelError(.invalidConfiguration, "'endpoint' must not have a query or fragment")
        }
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }

        guard let cny = Currency(code: "CNY") else {
            throw ChannelError(.invalidConfiguration, "ChannelKit does not know CNY")
        }
        guard !configuration.currencies.isEmpty else {
            throw ChannelError(.invalidConfiguration, "'currencies' must list CNY")
        }
        if let other = configuration.currencies.first(where: { $0 != cny }) {
            throw ChannelError(
                .invalidConfiguration, "'currencies' lists \(other.code), but Jiangnan takes only CNY")
        }
        guard configuration.maximumAmountMinorUnits > 0 else {
            throw ChannelError(.invalidConfiguration, "'max_amount' must be positive")
        }

        self.merchantNo = merchantNo
        self.signer = JiangnanSigner(secret: secret.reveal())
        self.baseURL = base
        self.currency = cny
        self.maximumAmount = min(configuration.maximumAmountMinorUnits, JiangnanRules.maximumAmount)
        self.downloadTimeout = configuration.timeouts.download
    }
}
