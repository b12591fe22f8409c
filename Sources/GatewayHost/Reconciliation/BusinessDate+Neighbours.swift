import ChannelKit

/// The days around a business date (reconciliation windows, the schedule, the generator).
extension BusinessDate {
    /// The day before.
    var previous: BusinessDate? {
        if let same = BusinessDate(year: year, month: month, day: day - 1) { return same }
        let (y, m) = month == 1 ? (year - 1, 12) : (year, month - 1)
        for last in stride(from: 31, through: 28, by: -1) {
            if let date = BusinessDate(year: y, month: m, day: last) { return date }
        }
        return nil
    }

    /// The day after.
    var next: BusinessDate? {
        if let same = BusinessDate(year: year, month: month, day: day + 1) { return same }
        if let month = BusinessDate(year: year, month: month + 1, day: 1) { return month }
        return BusinessDate(year: year + 1, month: 1, day: 1)
    }
}
