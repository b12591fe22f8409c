/// Minbei amounts: yuan as strings with exactly two decimals (`"123.45"`), converted to and from integer fen
/// (minor units) by their digits — no floating point anywhere. Strict: anything but `D.DD` (one to eight integer
/// digits, no leading zero but in `0.xx`, no sign, no exponent) is not an amount, so that an answer carrying one
/// is unverifiable rather than guessed.
public enum MinbeiAmount {
    /// 99,999,999.99 yuan: the most eight integer digits hold.
    public static let maximumMinorUnits: Int64 = 9_999_999_999

    /// The fen of a yuan string, or `nil` when it is not one.
    public static func minorUnits(_ text: some StringProtocol) -> Int64? {
        var text = String(text)
        return text.withUTF8 { parse($0, integerDigits: 8) }
    }

    /// The fen of a yuan string's bytes, or `nil` when they are not one (the same rules, without a copy).
    public static func minorUnits(bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        parse(bytes, integerDigits: 8)
    }

    /// The fen of a statement header's total (the same form with up to 16 integer digits: a day's total may
    /// pass what one payment can hold), or `nil`.
    public static func totalMinorUnits(_ text: some StringProtocol) -> Int64? {
        var text = String(text)
        return text.withUTF8 { parse($0, integerDigits: 16) }
    }

    /// The yuan string of a statement header's total (any non-negative amount).
    public static func totalString(minorUnits: Int64) -> String? {
        guard minorUnits >= 0 else { return nil }
        let fen = minorUnits % 100
        return "\(minorUnits / 100)." + (fen < 10 ? "0" : "") + "\(fen)"
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, integerDigits: Int) -> Int64? {
        let count = bytes.count
        guard count >= 4, count <= integerDigits + 3 else { return nil }
        let point = count - 3
        guard bytes[point] == UInt8(ascii: ".") else { return nil }
        guard bytes[0] != UInt8(ascii: "0") || point == 1 else { return nil }
        var value: Int64 = 0
        for index in 0..<count where index != point {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// The yuan string of `minorUnits` fen, or `nil` outside 0…`maximumMinorUnits`.
    public static func string(minorUnits: Int64) -> String? {
        guard minorUnits >= 0, minorUnits <= maximumMinorUnits else { return nil }
        let fen = minorUnits % 100
        return "\(minorUnits / 100)." + (fen < 10 ? "0" : "") + "\(fen)"
    }
}
