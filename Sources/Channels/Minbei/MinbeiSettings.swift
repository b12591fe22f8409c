import ChannelKit
import Foundation
import MinbeiProtocol

/// A channel configuration, validated for the Minbei interface.
struct MinbeiSettings: Sendable {
    /// The merchant number the bank assigned (`mer_id`).
    let merchantId: String
    /// Signs with the current key and verifies with the current or the next one; never exposes them.
    let keys: MinbeiKeyring
    /// `{endpoint}/acq/gateway.do`: every service is posted there.
    let gatewayURL: URL
    /// The currency the bank takes (`cur=156`).
    let currency: Currency
    /// The largest amount this channel accepts.
    let maximumAmount: Int64
    /// The channel's configured download time limit.
    let downloadTimeout: Duration

    /// Validates `configuration`.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/invalidConfiguration`` naming the bad key.
    init(_ configuration: ChannelConfiguration) throws(PaymentChannelError) {
        let merchantId = try configuration.requiredSetting("mer_id")
        guard MinbeiRules.isValidId(merchantId, maximumLength: 32) else {
            throw PaymentChannelError(.invalidConfiguration, "setting 'mer_id' must be 1–32 characters of [A-Za-z0-9_-]")
        }
        let key = try configuration.requiredCredential("key")
        guard !key.current.reveal().isEmpty, GBK.encode(key.current.reveal()) != nil,
            key.next.map({ GBK.encode($0.reveal()) != nil && !$0.reveal().isEmpty }) ?? true
        else {
            throw PaymentChannelError(.invalidConfiguration, "credential 'key' must be non-empty GBK text")
        }

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
        guard let url = URL(string: base + MinbeiService.path) else {
            throw PaymentChannelError(.invalidConfiguration, "'endpoint' cannot be joined with \(MinbeiService.path)")
        }

        guard let cny = Currency(code: "CNY"), let bound = configuration.currencies.bound(for: cny) else {
            throw PaymentChannelError(.invalidConfiguration, "'currencies' must list CNY")
        }
        if let other = configuration.currencies.first(where: { $0.currency != cny }) {
            throw PaymentChannelError(
                .invalidConfiguration, "'currencies' lists \(other.currency.code), but Minbei takes only CNY (156)")
        }

        self.merchantId = merchantId
        self.keys = MinbeiKeyring(key)
        self.gatewayURL = url
        self.currency = cny
        self.maximumAmount = min(bound.maximumMinorUnits, MinbeiAmount.maximumMinorUnits)
        self.downloadTimeout = configuration.timeouts.download
    }
}
