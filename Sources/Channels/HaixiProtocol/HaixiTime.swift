import Foundation

/// Times as the Haixi messages carry them (`TxTime`, `FinishTime`): `yyyyMMddHHmmss` in UTC+8, no zone
/// written. Computed with integer arithmetic (no `DateFormatter`: thread-safe and fast enough for a
/// statement's two million `FinishTime`s).
public enum HaixiTime {
    /// UTC+8 in seconds.
    public static let offsetSeconds: Int64 = 8 * 3600

    /// `date` as `yyyyMMddHHmmss` in UTC+8 (whole seconds, rounded down).
    public static func format(_ date: Date) -> String {
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = local - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(seconds / 3600, 2) + pad(seconds / 60 % 60, 2)
            + pad(seconds % 60, 2)
    }

    /// `yyyyMMdd` of `date` in UTC+8 (the bank's business date of an instant).
    public static func formatDate(_ date: Date) -> String {
        String(format(date).prefix(8))
    }

    /// The instant of a `yyyyMMddHHmmss` UTC+8 text; `nil` unless it is exactly 14 digits of a real time.
    public static func parse(_ text: some StringProtocol) -> Date? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { parse(UnsafeBufferPointer($0)) }
    }

    /// The instant of 14 bytes `yyyyMMddHHmmss` (UTC+8); `nil` unless they are digits of a real time.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard let seconds = unixSeconds(bytes) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Unix seconds of 14 bytes `yyyyMMddHHmmss` (UTC+8); `nil` unless they are digits of a real time.
    public static func unixSeconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count == 14 else { return nil }
        var digits: (Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0)
        var value: Int64 = 0
        for index in 0..<14 {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
            switch index {
            case 3: digits.0 = value; value = 0
            case 5: digits.1 = value; value = 0
            case 7: digits.2 = value; value = 0
            case 9: digits.3 = value; value = 0
            case 11: digits.4 = value; value = 0
            case 13: digits.5 = value
            default: break
            }
        }
        let (year, month, day, hour, minute, second) = digits
        guard year >= 1970, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24,
            minute < 60, second < 60
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
    }

    /// The number of days of `month` in `year`.
    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][Int(month - 1)]
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number since 1970-01-01 (`civil_from_days`).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
