/// Fresh `SerialNo`s of query, statement and self-check messages: a prefix and 24 random hex digits
/// (at most 32 characters of `[A-Za-z0-9_-]`, as the document allows).
enum HaixiSerial {
    /// `prefix` (at most 8 characters) followed by 24 random lowercase hex digits.
    static func fresh(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = prefix
        for _ in 0..<24 { text.append(Self.hex[Int(generator.next() % 16)]) }
        return text
    }

    private static let hex = Array("0123456789abcdef")
}
