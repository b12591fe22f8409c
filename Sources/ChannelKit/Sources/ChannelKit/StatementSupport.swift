import Foundation

/// What a plugin's bank offers as a daily statement (对账单), declared in the manifest. A manifest without
/// one (`statements: nil`) says the bank has no statements: the gateway then never asks the channel for one,
/// and the channel implements neither `downloadStatement` nor `parseStatement`.
public struct StatementSupport: Hashable, Sendable, Codable {
    /// The file format, e.g. `csv`, `fixed-width`, `gzip+csv` (for ops and tooling).
    public var format: String
    /// The bank's time zone, which its business days follow: an IANA identifier (`Asia/Shanghai`) or a fixed
    /// offset (`GMT+0800`).
    public var timeZoneIdentifier: String
    /// How long after the end of a business day (midnight in ``timeZoneIdentifier``) the bank's file for that
    /// day is available, e.g. one hour for "01:00 the next day".
    public var availableAfterDayEnd: Duration

    /// Declares statement support.
    public init(format: String, timeZoneIdentifier: String, availableAfterDayEnd: Duration) {
        self.format = format
        self.timeZoneIdentifier = timeZoneIdentifier
        self.availableAfterDayEnd = availableAfterDayEnd
    }

    /// The bank's time zone; `nil` when the identifier is unknown to this system (the gateway refuses such a
    /// manifest).
    public var timeZone: TimeZone? { TimeZone(identifier: timeZoneIdentifier) }

    /// The first moment the file for `date` can be asked for; `nil` when the time zone is unknown.
    public func availableAt(_ date: BusinessDate) -> Date? {
        guard let start = date.start(in: timeZoneIdentifier) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        guard let zone = timeZone else { return nil }
        calendar.timeZone = zone
        guard let end = calendar.date(byAdding: .day, value: 1, to: start) else { return nil }
        let (seconds, attoseconds) = availableAfterDayEnd.components
        return end.addingTimeInterval(TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18)
    }
}

extension BusinessDate {
    /// Midnight at the start of this day in the time zone `identifier`; `nil` for an unknown zone.
    public func start(in identifier: String) -> Date? {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))
    }

    /// The business day that `instant` falls on in the time zone `identifier`; `nil` for an unknown zone.
    public init?(containing instant: Date, in identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        self.init(year: year, month: month, day: day)
    }
}
