import Synchronization

/// Open loop: requests at a constant offered rate, each due at its intended time from `OpenLoopSchedule` whether
/// or not earlier ones were answered. `connections` workers (one per connection) take due requests in order;
/// a request that finds them all busy waits in a queue, and its latency still runs from its intended send time,
/// so when the server falls behind, the wait counts. At most `maxOutstanding` requests wait or are in flight; a
/// request due beyond that is not sent and counts as a `dropped` error.
struct OpenLoopRunner: Sendable {
    let executor: RequestExecutor
    let schedule: OpenLoopSchedule
    let connections: Int
    let maxOutstanding: Int

    /// One due request.
    private struct Ticket: Sendable {
        var intended: ContinuousClock.Instant
        var measured: Bool
    }

    /// Requests waiting or in flight, shared by the dispatcher and the workers.
    private final class Outstanding: Sendable {
        let count = Atomic<Int>(0)
    }

    /// The statistics and the measured window (start of measuring to the last measured answer, at least the
    /// duration).
    func run() async -> (statistics: LoadStatistics, window: Duration) {
        let clock = ContinuousClock()
        let queue = TicketQueue<Ticket>()
        let outstanding = Outstanding()
        let (executor, schedule, maxOutstanding) = (self.executor, self.schedule, self.maxOutstanding)
        let start = clock.now
        let statistics = await withTaskGroup(of: LoadStatistics.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var statistics = LoadStatistics()
                    while let ticket = await queue.next() {
                        let outcome = await executor.send()
                        let answered = clock.now
                        outstanding.count.subtract(1, ordering: .relaxed)
                        if ticket.measured {
                            let latency = OpenLoopSchedule.latency(
                                intended: ticket.intended - start, completed: answered - start)
                            statistics.record(outcome, latency: latency, completedAt: answered)
                        }
                    }
                    return statistics
                }
            }
            var dropped = LoadStatistics()
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
                guard outstanding.count.load(ordering: .relaxed) < maxOutstanding else {
                    if measured {
                        dropped.record(.failure(kind: RequestOutcome.droppedKind), latency: nil, completedAt: nil)
                    }
                    continue
                }
                outstanding.count.add(1, ordering: .relaxed)
                queue.push(Ticket(intended: intended, measured: measured))
            }
            queue.finish()
            var total = dropped
            for await statistics in group { total.merge(statistics) }
            return total
        }
        let measureStart = start + schedule.warmup
        let end = measureStart + schedule.duration
        let last = max(end, statistics.lastCompletion ?? end)
        return (statistics, last - measureStart)
    }
}
