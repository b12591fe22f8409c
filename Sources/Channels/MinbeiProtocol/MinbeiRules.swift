/// Rules of the Minbei interface that the channel and the simulator both apply.
public enum MinbeiRules {
    /// The numeric ISO 4217 codes the interface uses, by alphabetic code (`CNY` → `156`).
    public static let numericCurrency: [String: String] = [
        "CNY": "156", "HKD": "344", "MOP": "446", "TWD": "901", "USD": "840", "EUR": "978", "GBP": "826", "JPY": "392",
        "KRW": "410", "SGD": "702", "AUD": "036", "CAD": "124", "CHF": "756",
    ]
    /// The alphabetic ISO 4217 code of a numeric one (`156` → `CNY`), for reading what the bank writes (the bank
    /// takes CNY only, but a statement line in another currency must be reported as such, not as unreadable).
    public static let alphabeticCurrency: [String: String] = Dictionary(
        uniqueKeysWithValues: numericCurrency.map { ($0.value, $0.key) })

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
