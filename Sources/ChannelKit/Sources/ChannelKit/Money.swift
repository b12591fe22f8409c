/// An amount of money: an integer number of minor units (fen for CNY) and its currency. Never a float.
///
/// ```swift
/// let price = Money(minorUnits: 12_345, currency: Currency(code: "CNY")!)   // ¥123.45
/// try price.validate(within: context.configuration.currencies)
/// ```
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The amount in minor units of `currency`.
    public var minorUnits: Int64
    /// The currency.
    public var currency: Currency

    /// Creates an amount of `minorUnits` of `currency`.
    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Checks that the amount is positive and at most `maximumMinorUnits`.
    /// - Throws: ``PaymentChannelError`` with code ``PaymentChannelError/Code/amountOutOfRange``.
    public func validate(maximumMinorUnits: Int64) throws(PaymentChannelError) {
        guard minorUnits > 0 else {
            throw PaymentChannelError(.amountOutOfRange, "amount must be a positive number of minor units, got \(minorUnits)")
        }
        guard minorUnits <= maximumMinorUnits else {
            throw PaymentChannelError(
                .amountOutOfRange,
                "amount \(minorUnits) exceeds the maximum of \(maximumMinorUnits) minor units of \(currency.code)")
        }
    }

    /// Checks that the amount is in one of `bounds`' currencies and within its minimum and maximum.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/unsupportedCurrency`` or
    ///   ``PaymentChannelError/Code/amountOutOfRange``.
    public func validate(within bounds: [CurrencyBound]) throws(PaymentChannelError) {
        guard let bound = bounds.bound(for: currency) else {
            throw PaymentChannelError(.unsupportedCurrency, "this channel does not take \(currency.code)")
        }
        guard minorUnits >= bound.minimumMinorUnits else {
            throw PaymentChannelError(
                .amountOutOfRange,
                "amount \(minorUnits) is below the minimum of \(bound.minimumMinorUnits) minor units of \(currency.code)")
        }
        try validate(maximumMinorUnits: bound.maximumMinorUnits)
    }

    /// The amount written with its decimal point, e.g. `123.45 CNY`.
    public var description: String {
        let digits = currency.minorUnitDigits
        guard digits > 0 else { return "\(minorUnits) \(currency.code)" }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let sign = minorUnits < 0 ? "-" : ""
        let magnitude = minorUnits.magnitude
        let fraction = String(magnitude % UInt64(scale))
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return "\(sign)\(magnitude / UInt64(scale)).\(padded) \(currency.code)"
    }
}
