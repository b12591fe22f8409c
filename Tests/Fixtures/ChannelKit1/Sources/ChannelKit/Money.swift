/// An amount of money: an integer number of minor units (fen for CNY) and its currency. Never a float.
///
/// ```swift
/// let price = Money(minorUnits: 12_345, currency: Currency(code: "CNY")!)   // ¥123.45
/// try price.validate(maximumMinorUnits: 99_999_999_999)
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
    /// - Throws: ``ChannelError`` with code ``ChannelError/Code/amountOutOfRange``.
    public func validate(maximumMinorUnits: Int64) throws(ChannelError) {
        guard minorUnits > 0 else {
            throw ChannelError(.amountOutOfRange, "amount must be a positive number of minor units, got \(minorUnits)")
        }
        guard minorUnits <= maximumMinorUnits else {
            throw ChannelError(
                .amountOutOfRange,
                "amount \(minorUnits) exceeds the maximum of \(maximumMinorUnits) minor units of \(currency.code)")
        }
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
