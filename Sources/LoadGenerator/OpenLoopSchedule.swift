/// When each request of an open-loop run is meant to be sent: request `i` at `i / rate` seconds after the start,
/// whatever happened to the requests before it. Latency is measured from that intended time, so a server (or a
/// client) that falls behind shows up as latency instead of being hidden by a slower send rate (no coordinated
/// omission). The first `warmupCount` requests are sent but not measured.
struct OpenLoopSchedule: Sendable, Equatable {
    /// Requests per second.
    let rate: Double
    /// Time before measuring starts.
    let warmup: Duration
    /// The measured time.
    let duration: Duration

    init(rate: Double, warmup: Duration, duration: Duration) {
        precondition(rate > 0 && rate.isFinite, "rate must be positive")
        precondition(warmup >= .zero && duration > .zero, "warmup must not be negative, duration must be positive")
        self.rate = rate
        self.warmup = warmup
        self.duration = duration
    }

    /// The intended send time of request `index`, as an offset from the start of the run. Computed from the index
    /// each time (not by adding intervals), so rounding never accumulates.
    func intendedOffset(ofRequest index: Int) -> Duration {
        .nanoseconds(Int64((Double(index) * 1e9 / rate).rounded()))
    }

    /// The gap between two requests.
    var interval: Duration { .nanoseconds(Int64((1e9 / rate).rounded())) }

    /// Requests whose intended time falls in the warmup (offset < warmup); they are not measured.
    var warmupCount: Int { Self.count(before: warmup, rate: rate) }

    /// All requests of the run (offset < warmup + duration).
    var totalCount: Int { Self.count(before: warmup + duration, rate: rate) }

    /// Requests that are measured: `totalCount - warmupCount`.
    var measuredCount: Int { totalCount - warmupCount }

    /// Whether request `index` is measured.
    func isMeasured(_ index: Int) -> Bool { index >= warmupCount && index < totalCount }

    /// Latency of a request from its intended send time; never negative.
    static func latency(intended: Duration, completed: Duration) -> Duration {
        max(.zero, completed - intended)
    }

    /// How many indexes `i >= 0` have `i / rate < limit`, i.e. `ceil(limit * rate)`, computed on nanoseconds and
    /// corrected for floating-point error so that it agrees with `intendedOffset(ofRequest:)`.
    private static func count(before limit: Duration, rate: Double) -> Int {
        let limitNs = limit.nanoseconds
        var count = Int((Double(limitNs) * rate / 1e9).rounded(.up))
        func offsetNs(_ index: Int) -> Int64 { Int64((Double(index) * 1e9 / rate).rounded()) }
        while count > 0 && offsetNs(count - 1) >= limitNs { count -= 1 }
        while offsetNs(count) < limitNs { count += 1 }
        return count
    }
}

extension Duration {
    /// The whole nanoseconds of a duration.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Whole microseconds, clamped at zero.
    var microseconds: UInt64 {
        UInt64(Swift.max(0, nanoseconds / 1_000))
    }
}
