/// Minbei times: `yyyyMMddHHmmss` (and the statement's `yyyyMMdd` + `HHmmss`), always UTC+8, converted to and
/// from Unix seconds by calendar arithmetic (no formatter, no time zone database).
public enum MinbeiTime {
    /// UTC+8, in seconds.
    public static let offsetSeconds: Int64 = 8 * 3600

    /// `yyyyMMddHHmmss` (UTC+8) of Unix seconds.
    public static func compact(unixSeconds: Int64) -> String {
        let local = unixSeconds + offsetSeconds
        let days = floorDivide(local, 86_400)
        let second = local - days * 86_400
        let (year, month, day) = civil(days: days)
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(second / 3600, 2) + pad(second / 60 % 60, 2)
            + pad(second % 60, 2)
    }

    /// The Unix seconds of `yyyyMMddHHmmss` (UTC+8), or `nil` when it is not a valid time of that form.
    public static func unixSeconds(compact text: some StringProtocol) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 14 else { return nil }
        return unixSeconds(date: bytes[0..<8], time: bytes[8..<14])
    }

    /// The Unix seconds of a `yyyyMMdd` date and an `HHmmss` time (UTC+8), or `nil`.
    public static func unixSeconds(date: some Collection<UInt8>, time: some Collection<UInt8>) -> Int64? {
        guard date.count == 8, time.count == 6, let d = number(date), let t = number(time) else { return nil }
        let (year, month, day) = (d / 10_000, d / 100 % 100, d % 100)
        let (hour, minute, second) = (t / 10_000, t / 100 % 100, t % 100)
        guard year >= 1970, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { return nil }
        return days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
    }

    /// Whether `text` is a valid `yyyyMMdd` date.
    public static func isDate(_ text: some StringProtocol) -> Bool {
        unixSeconds(date: Array(text.utf8), time: Array("000000".utf8)) != nil
    }

    /// Whether `text` is a valid `HHmmss` time.
    public static func isTime(_ text: some StringProtocol) -> Bool {
        unixSeconds(date: Array("19700101".utf8), time: Array(text.utf8)) != nil
    }

    private static func number(_ bytes: some Collection<UInt8>) -> Int64? {
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][Int(month - 1)]
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
