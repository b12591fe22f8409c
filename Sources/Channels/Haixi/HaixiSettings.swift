import ChannelKit
import Foundation
import HaixiProtocol

/// A channel configuration, validated for the Haixi interface.
struct HaixiSettings: Sendable {
    static let merchantIdKey = "mer_id"
    static let privateKeyName = "private_key"
    static let bankPublicKeyName = "bank_public_key"

    /// The merchant number the bank assigned (`MerId`, e.g. `HX310000001`).
    let merchantId: String
    /// Signs with the merchant's private key; never exposes it.
    let signer: HaixiSigner
    /// The bank's current public key, then the next one during a rotation.
    let verifiers: [HaixiVerifier]
    /// The endpoint without a trailing `/`; `/gateway` is appended to it.
    let baseURL: String
    /// The currency the bank takes.
    let currency: Currency
    /// The largest amount this channel accepts (the gateway's effective bound for CNY).
    let maximumAmount: Int64
    /// The channel's configured download time limit.
    let downloadTimeout: Duration

    /// Validates `configuration`.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/invalidConfiguration`` naming the bad key
    ///   (for a key that does not parse, which credential — never its content).
    init(_ configuration: ChannelConfiguration) throws(PaymentChannelError) {
        let merchantId = try configuration.requiredSetting(Self.merchantIdKey)
        guard Self.isValidMerchantId(merchantId) else {
            throw PaymentChannelError(
                .invalidConfiguration, "setting '\(Self.merchantIdKey)' must be 1–15 characters of [A-Za-z0-9_-]")
        }
        let privateKey = try configuration.requiredCredential(Self.privateKeyName)
        let signer: HaixiSigner
        do {
            signer = try HaixiSigner(privateKeyPEM: privateKey.current.reveal())
        } catch {
            throw PaymentChannelError(.invalidConfiguration, "credential '\(Self.privateKeyName)': \(error.description)")
        }
        let bankKey = try configuration.requiredCredential(Self.bankPublicKeyName)
        var verifiers: [HaixiVerifier] = []
        for (index, value) in bankKey.verificationValues.enumerated() {
            do {
                verifiers.append(try HaixiVerifier(publicKeyPEM: value.reveal()))
            } catch {
                let which = index == 0 ? "" : " (next)"
                throw PaymentChannelError(
                    .invalidConfiguration, "credential '\(Self.bankPublicKeyName)'\(which): \(error.description)")
            }
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

        // The gateway hands over the manifest's bounds narrowed by the config; Haixi is set up for CNY only.
        guard let cny = Currency(code: "CNY"), let bound = configuration.currencies.bound(for: cny) else {
            throw PaymentChannelError(.invalidConfiguration, "'currencies' must list CNY")
        }
        if let other = configuration.currencies.first(where: { $0.currency != cny }) {
            throw PaymentChannelError(
                .invalidConfiguration, "'currencies' lists \(other.currency.code), but Haixi takes only CNY")
        }

        self.merchantId = merchantId
        self.signer = signer
        self.verifiers = verifiers
        self.baseURL = base
        self.currency = cny
        self.maximumAmount = min(bound.maximumMinorUnits, HaixiStatement.maximumAmount)
        self.downloadTimeout = configuration.timeouts.download
    }

    /// Whether `signature` over `bytes` is the bank's (current or next key).
    func isBankSignature(_ signature: String, over bytes: some DataProtocol) -> Bool {
        verifiers.contains { $0.isValid(signature: signature, over: bytes) }
    }

    /// 1–15 characters of `[A-Za-z0-9_-]`: what fits the statement header's 15-wide MerId.
    static func isValidMerchantId(_ text: String) -> Bool {
        (1...15).contains(text.utf8.count) && HaixiStatement.isSerial(text)
    }
}
