/// Proleptic Gregorian dates from day counts, without a `Calendar` (H. Hinnant's civil-from-days algorithm):
/// used where every row or payment needs its date (discrepancy timestamps, limit business days).
public enum CivilDate {
    /// Year, month (1–12) and day (1–31) of the day `days` after 1970-01-01 (negative: before).
    public static func from(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
