/// Minbei amounts: yuan as strings with exactly two decimals (`"123.45"`), converted to and from integer fen
/// (minor units) by their digits — no floating point anywhere. Strict: anything but `D.DD` (one to eight integer
/// digits, no leading zero but in `0.xx`, no sign, no exponent) is not an amount, so that an answer carrying one
/// is unverifiable rather than guessed.
public enum MinbeiAmount {
    /// 99,999,999.99 yuan: the most eight integer digits hold.
    public static let maximumMinorUnits: Int64 = 9_999_999_999

    /// The fen of a yuan string, or `nil` when it is not one.
    public static func minorUnits(_ text: some StringProtocol) -> Int64? {
        minorUnits(bytes: Array(text.utf8))
    }

    /// The fen of a yuan string's bytes, or `nil` when they are not one (the same rules, without a copy).
    public static func minorUnits<Bytes: RandomAccessCollection<UInt8>>(bytes: Bytes) -> Int64? where Bytes.Index == Int {
        let point = bytes.count - 3
        guard bytes.count >= 4, bytes.count <= 11 else { return nil }
        let start = bytes.startIndex
        let pointIndex = start + point
        guard bytes[pointIndex] == UInt8(ascii: ".") else { return nil }
        guard bytes[start] != UInt8(ascii: "0") || point == 1 else { return nil }
        var value: Int64 = 0
        for index in bytes.indices where index != pointIndex {
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
