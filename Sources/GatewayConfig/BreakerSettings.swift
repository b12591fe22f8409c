import Foundation

/// A channel's `breaker:` section: when its circuit breaker takes it out of rotation and how it comes back.
///
/// ```yaml
/// breaker:
///   failures: 5             # consecutive timeouts, server errors or not-sent failures that open it (0: never)
///   cool_down_seconds: 30   # how long it stays open before probe payments are let through
///   probes: 1               # probe payments that must succeed (one at a time) to close it again
/// ```
public struct BreakerSettings: Hashable, Sendable {
    public var failures = 5
    public var coolDownSeconds = 30
    public var probes = 1

    public init() {}

    static let keys: Set<String> = ["failures", "cool_down_seconds", "probes"]

    static func parse(_ raw: Any, _ fail: (String?, String) -> ChannelConfigError) throws(ChannelConfigError)
        -> BreakerSettings
    {
        guard let map = raw as? [String: Any] else { throw fail("breaker", "must be a mapping") }
        for key in map.keys.sorted() where !keys.contains(key) {
            throw fail("breaker.\(key)", "unknown key (allowed: \(keys.sorted().joined(separator: ", ")))")
        }
        var settings = BreakerSettings()
        func integer(_ key: String, _ range: ClosedRange<Int>) throws(ChannelConfigError) -> Int? {
            guard let value = map[key] else { return nil }
            guard let int = value as? Int, range.contains(int) else {
                throw fail("breaker.\(key)", "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return int
        }
        if let value = try integer("failures", 0...10_000) { settings.failures = value }
        if let value = try integer("cool_down_seconds", 1...86_400) { settings.coolDownSeconds = value }
        if let value = try integer("probes", 1...100) { settings.probes = value }
        return settings
    }
}
