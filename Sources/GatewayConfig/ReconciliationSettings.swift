import Foundation

/// A channel's `reconciliation:` section: how its daily statement is reconciled.
///
/// ```yaml
/// reconciliation:
///   time_zone: Asia/Shanghai      # default: the plugin manifest's statement time zone
///   timing_margin_seconds: 300    # a row finished this close to midnight may be booked on the other day
///   run_after: "01:30"            # daily run, bank time; omitted: no schedule (runs only when asked)
///   retry_seconds: 300            # a statement not ready yet is asked again after this, doubling, ≤ 1 h
///   overdue_after_minutes: 240    # a day still not reconciled this long after run_after is overdue
/// ```
public struct ReconciliationSettings: Hashable, Sendable {
    public var timeZoneIdentifier: String?
    public var timingMarginSeconds: Int = 300
    /// Minutes after midnight (bank time) of the day after the business date; nil: no schedule.
    public var runAfterMinutes: Int?
    public var retrySeconds: Int = 300
    public var overdueAfterMinutes: Int = 240

    public init() {}

    static let keys: Set<String> = [
        "time_zone", "timing_margin_seconds", "run_after", "retry_seconds", "overdue_after_minutes",
    ]

    static func parse(_ raw: Any, _ fail: (String?, String) -> ChannelConfigError) throws(ChannelConfigError)
        -> ReconciliationSettings
    {
        guard let map = raw as? [String: Any] else { throw fail("reconciliation", "must be a mapping") }
        for key in map.keys.sorted() where !keys.contains(key) {
            throw fail("reconciliation.\(key)", "unknown key (allowed: \(keys.sorted().joined(separator: ", ")))")
        }
        var settings = ReconciliationSettings()
        if let zone = map["time_zone"] {
            guard let text = zone as? String, TimeZone(identifier: text) != nil else {
                throw fail("reconciliation.time_zone", "must be an IANA time zone (Asia/Shanghai) or GMT+0800")
            }
            settings.timeZoneIdentifier = text
        }
        func seconds(_ key: String, _ range: ClosedRange<Int>) throws(ChannelConfigError) -> Int? {
            guard let value = map[key] else { return nil }
            guard let int = value as? Int, range.contains(int) else {
                throw fail("reconciliation.\(key)", "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return int
        }
        if let value = try seconds("timing_margin_seconds", 0...43_200) { settings.timingMarginSeconds = value }
        if let value = try seconds("retry_seconds", 1...86_400) { settings.retrySeconds = value }
        if let value = try seconds("overdue_after_minutes", 1...10_080) { settings.overdueAfterMinutes = value }
        if let raw = map["run_after"] {
            let text = raw as? String ?? ""
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]),
                let minutes = Int(parts[1]), (0...23).contains(hours), (0...59).contains(minutes)
            else { throw fail("reconciliation.run_after", "must be a time of day \"HH:MM\" (bank time), e.g. \"01:30\"") }
            settings.runAfterMinutes = hours * 60 + minutes
        }
        return settings
    }
}
