import Foundation

/// Waits for a row that another request (in this process or another gateway process sharing the database)
/// is still working on, by reading it again with a growing pause (5 ms doubling to 100 ms), up to a bound.
enum InFlightWait {
    /// Reads `read()` until `isSettled` holds or `limit` has passed; answers the last row read.
    static func until<Record: Sendable>(
        limit: Duration, current: Record, read: () async throws -> Record?, isSettled: (Record) -> Bool
    ) async throws -> Record {
        let deadline = ContinuousClock.now + limit
        var pause = Duration.milliseconds(5)
        var latest = current
        while !isSettled(latest), ContinuousClock.now < deadline {
            try await Task.sleep(for: min(pause, deadline - ContinuousClock.now))
            pause = min(pause * 2, .milliseconds(100))
            if let row = try await read() { latest = row }
        }
        return latest
    }
}
