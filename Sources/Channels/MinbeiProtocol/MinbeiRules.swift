/// Rules of the Minbei interface that the channel and the simulator both apply.
public enum MinbeiRules {
    /// The numeric ISO 4217 codes the interface uses, by alphabetic code (`CNY` → `156`).
    public static let numericCurrency: [String: String] = ["CNY": "156"]
    /// The alphabetic ISO 4217 code of a numeric one (`156` → `CNY`).
    public static let alphabeticCurrency: [String: String] = ["156": "CNY"]

    /// The longest order or refund number the channel sends (the statement's identifiers are read to the same
    /// bound).
    public static let maximumIdLength = 64

    /// Whether `text` is 1…`maximumLength` characters of `[A-Za-z0-9_-]` (merchant, order and refund numbers).
    public static func isValidId(_ text: some StringProtocol, maximumLength: Int = maximumIdLength) -> Bool {
        let bytes = text.utf8
        return !bytes.isEmpty && bytes.count <= maximumLength
            && bytes.allSatisfy { byte in
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }

    /// Whether `text` is a `bank_seq`: exactly 20 digits.
    public static func isBankSequence(_ text: some StringProtocol) -> Bool {
        let bytes = text.utf8
        return bytes.count == 20 && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
