import Synchronization

/// Open loop: requests at a constant offered rate, each at its intended time from `OpenLoopSchedule` whether or
/// not earlier ones were answered. Latency runs from the intended send time, so when the server (or this client)
/// falls behind, the wait counts. At most `maxOutstanding` requests are in flight; a request due while that many
/// are still waiting is not sent and counts as a `dropped` error.
struct OpenLoopRunner: Sendable {
    let executor: RequestExecutor
    let schedule: OpenLoopSchedule
    let maxOutstanding: Int

    /// Shared between the dispatcher and the request tasks.
    private final class State: Sendable {
        let statistics = Mutex(LoadStatistics())
        let outstanding = Atomic<Int>(0)

        func record(_ outcome: RequestOutcome, latency: Duration?, completedAt: ContinuousClock.Instant?) {
            statistics.withLock { $0.record(outcome, latency: latency, completedAt: completedAt) }
        }
    }

    /// The statistics and the measured window (start of measuring to the last measured answer, at least the
    /// duration).
    func run() async -> (statistics: LoadStatistics, window: Duration) {
        let clock = ContinuousClock()
        let state = State()
        let (executor, schedule, maxOutstanding) = (self.executor, self.schedule, self.maxOutstanding)
        let start = clock.now
        await withDiscardingTaskGroup { group in
            for index in 0..<schedule.totalCount {
                let intended = start + schedule.intendedOffset(ofRequest: index)
                if intended > clock.now {
                    do {
                        try await clock.sleep(until: intended, tolerance: .zero)
                    } catch {
                        break  // cancelled
                    }
                }
                let measured = schedule.isMeasured(index)
                guard state.outstanding.load(ordering: .relaxed) < maxOutstanding else {
                    if measured {
                        state.record(.failure(kind: RequestOutcome.droppedKind), latency: nil, completedAt: nil)
                    }
                    continue
                }
                state.outstanding.add(1, ordering: .relaxed)
                group.addTask {
                    let outcome = await executor.send()
                    let answered = clock.now
                    state.outstanding.subtract(1, ordering: .relaxed)
                    if measured {
                        let latency = OpenLoopSchedule.latency(intended: intended - start, completed: answered - start)
                        state.record(outcome, latency: latency, completedAt: answered)
                    }
                }
            }
        }
        let statistics = state.statistics.withLock { $0 }
        let measureStart = start + schedule.warmup
        let end = measureStart + schedule.duration
        let last = max(end, statistics.lastCompletion ?? end)
        return (statistics, last - measureStart)
    }
}
