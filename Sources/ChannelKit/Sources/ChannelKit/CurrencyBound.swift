/// A currency a channel takes and the amounts it takes in it, in minor units.
///
/// One source, narrowed once: a plugin's manifest declares the bank's bounds (``PluginManifest/currencies``);
/// a channel config may list fewer currencies and lower maxima; the gateway checks the config against the
/// manifest and hands the channel the *effective* bounds (``ChannelConfiguration/currencies``). The gateway
/// refuses a payment outside them before it calls the channel.
public struct CurrencyBound: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The currency.
    public var currency: Currency
    /// The smallest amount of one payment, in minor units (at least 1).
    public var minimumMinorUnits: Int64
    /// The largest amount of one payment, in minor units.
    public var maximumMinorUnits: Int64

    /// Creates a bound.
    public init(_ currency: Currency, minimumMinorUnits: Int64 = 1, maximumMinorUnits: Int64) {
        self.currency = currency
        self.minimumMinorUnits = minimumMinorUnits
        self.maximumMinorUnits = maximumMinorUnits
    }

    /// Whether `amount` is in this currency and within the bounds.
    public func contains(_ amount: Money) -> Bool {
        amount.currency == currency && (minimumMinorUnits...maximumMinorUnits).contains(amount.minorUnits)
    }

    /// `CNY 1…99999999999`.
    public var description: String { "\(currency.code) \(minimumMinorUnits)…\(maximumMinorUnits)" }
}

extension Array where Element == CurrencyBound {
    /// The bound for `currency`, if it is listed.
    public func bound(for currency: Currency) -> CurrencyBound? { first { $0.currency == currency } }

    /// The currencies, in order.
    public var currencyList: [Currency] { map(\.currency) }
}
