/// Closed loop: `connections` workers, each sending its next request as soon as the previous one is answered,
/// for `warmup + duration`. A request is measured when it was sent after the warmup and before the end; its
/// latency runs from its send to its answer.
struct ClosedLoopRunner: Sendable {
    let executor: RequestExecutor
    let connections: Int
    let warmup: Duration
    let duration: Duration

    /// The merged statistics and the measured window (start of measuring to the last measured answer, at least
    /// `duration`).
    func run() async -> (statistics: LoadStatistics, window: Duration) {
        let clock = ContinuousClock()
        let measureStart = clock.now + warmup
        let end = measureStart + duration
        let executor = self.executor
        let statistics = await withTaskGroup(of: LoadStatistics.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var statistics = LoadStatistics()
                    while !Task.isCancelled {
                        let sent = clock.now
                        guard sent < end else { break }
                        let outcome = await executor.send()
                        let answered = clock.now
                        if sent >= measureStart {
                            statistics.record(outcome, latency: answered - sent, completedAt: answered)
                        }
                    }
                    return statistics
                }
            }
            var total = LoadStatistics()
            for await statistics in group { total.merge(statistics) }
            return total
        }
        let last = max(end, statistics.lastCompletion ?? end)
        return (statistics, last - measureStart)
    }
}
