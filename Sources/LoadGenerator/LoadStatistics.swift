import Histogram

/// Counts and latencies of the measured requests of one worker (or of a whole run, after `merge`).
///
/// Latencies are recorded in microseconds in an HdrHistogram (3 significant digits), for every request that was
/// sent, failed ones included: a request that timed out counts with its whole wait instead of vanishing from the
/// percentiles. (A fast error, such as a refused signature, lowers them instead; the error counts show both.)
/// A request that was never sent (`dropped`) has no latency.
struct LoadStatistics: Sendable {
    /// Latencies of the requests that were sent, in microseconds.
    private(set) var latencies: Histogram<UInt64>
    /// Successful requests by the payment status they carried.
    private(set) var successesByDetail: [String: Int] = [:]
    /// Failed requests by kind.
    private(set) var errorsByKind: [String: Int] = [:]
    /// When the last measured request completed (nil when none has).
    private(set) var lastCompletion: ContinuousClock.Instant?

    init() {
        // 1 µs … 60 s to start with; resizes for longer latencies.
        var histogram = Histogram<UInt64>(
            lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        latencies = histogram
    }

    /// Successful requests.
    var successes: Int { successesByDetail.values.reduce(0, +) }
    /// Failed requests (including dropped ones).
    var errors: Int { errorsByKind.values.reduce(0, +) }
    /// All measured requests.
    var requests: Int { successes + errors }

    /// Records one measured request; `latency` nil for a request that was never sent.
    mutating func record(_ outcome: RequestOutcome, latency: Duration?, completedAt: ContinuousClock.Instant?) {
        switch outcome {
        case .success(let detail): successesByDetail[detail, default: 0] += 1
        case .failure(let kind): errorsByKind[kind, default: 0] += 1
        }
        if let latency { _ = latencies.record(latency.microseconds) }
        if let completedAt, lastCompletion.map({ completedAt > $0 }) ?? true { lastCompletion = completedAt }
    }

    /// Adds another worker's statistics.
    mutating func merge(_ other: LoadStatistics) {
        latencies.add(other.latencies)
        successesByDetail.merge(other.successesByDetail, uniquingKeysWith: +)
        errorsByKind.merge(other.errorsByKind, uniquingKeysWith: +)
        if let theirs = other.lastCompletion, lastCompletion.map({ theirs > $0 }) ?? true { lastCompletion = theirs }
    }

    /// The latency percentiles in milliseconds (all zero when nothing was sent).
    var latencySummary: LatencySummary {
        guard latencies.totalCount > 0 else { return LatencySummary(p50: 0, p90: 0, p99: 0, p999: 0, max: 0) }
        func ms(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }
        return LatencySummary(
            p50: ms(latencies.valueAtPercentile(50)), p90: ms(latencies.valueAtPercentile(90)),
            p99: ms(latencies.valueAtPercentile(99)), p999: ms(latencies.valueAtPercentile(99.9)),
            max: ms(latencies.maxRecorded))
    }
}

/// Latency percentiles of a run, in milliseconds.
struct LatencySummary: Sendable, Equatable {
    var p50: Double
    var p90: Double
    var p99: Double
    var p999: Double
    var max: Double
}
