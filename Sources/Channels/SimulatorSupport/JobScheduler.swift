import ServiceLifecycle
import Synchronization

/// The simulator's background work (notification attempts, delayed completions), run as a service of the
/// application. A job waits for its time as an entry in a heap, not as a task: only the jobs running right now —
/// at most `workers` — are tasks. A notification that keeps failing is one short job per attempt, re-scheduled
/// for its next retry, so tens of thousands of undeliverable notifications cost a heap entry each instead of a
/// sleeping child task each (what made jiangnan-sim's CPU and memory grow under a long outage).
public final class JobScheduler: Service, Sendable {
    /// One unit of background work.
    public typealias Job = @Sendable () async -> Void

    private struct Entry {
        var due: ContinuousClock.Instant
        var sequence: UInt64
        var job: Job

        /// Earlier first; among equal times, in order of scheduling.
        func precedes(_ other: Entry) -> Bool {
            due != other.due ? due < other.due : sequence < other.sequence
        }
    }

    private struct State {
        var heap: [Entry] = []
        var sequence: UInt64 = 0
        var running = 0
        var peakRunning = 0
        /// The dispatcher's current wait, cancelled to wake it (an earlier job, or a worker freed).
        var sleeper: Task<Void, Never>?
        var sleepingUntil: ContinuousClock.Instant?
        var stopped = false
    }

    public let workers: Int
    /// The longest the dispatcher sleeps before it looks at the heap again.
    static let longestSleep: Duration = .seconds(1)
    private let state = Mutex(State())

    public init(workers: Int = 32) {
        self.workers = max(1, workers)
    }

    /// Runs `job` as soon as a worker is free.
    public func submit(_ job: @escaping Job) {
        schedule(at: .now, job)
    }

    /// Runs `job` once `delay` has passed and a worker is free.
    public func schedule(after delay: Duration, _ job: @escaping Job) {
        schedule(at: .now + delay, job)
    }

    public func schedule(at due: ContinuousClock.Instant, _ job: @escaping Job) {
        let wake: Task<Void, Never>? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.sequence += 1
            Self.push(Entry(due: due, sequence: state.sequence, job: job), into: &state.heap)
            guard let until = state.sleepingUntil, due < until else { return nil }
            return state.sleeper
        }
        wake?.cancel()
    }

    /// Jobs waiting (scheduled, not started) and running now.
    public var counts: (waiting: Int, running: Int) { state.withLock { ($0.heap.count, $0.running) } }

    /// The most jobs that ran at once.
    public var peakRunning: Int { state.withLock { $0.peakRunning } }

    public func run() async {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                while !Task.isCancelled {
                    switch self.next() {
                    case .run(let job):
                        group.addTask {
                            await job()
                            self.finished()
                        }
                    case .wait(let until):
                        // Never longer than a second: every wake-up path is covered (schedule, finished), and the
                        // cap makes a missed one cost at most a second rather than a stalled queue.
                        let cap = ContinuousClock.now + Self.longestSleep
                        let deadline = until.map { min($0, cap) } ?? cap
                        let sleeper = Task<Void, Never> { _ = try? await Task.sleep(until: deadline, clock: .continuous) }
                        let asleep = self.state.withLock { state -> Bool in
                            // A job scheduled or finished between `next()` and here would have found no sleeper.
                            guard self.isStillIdle(state, until: until) else { return false }
                            state.sleeper = sleeper
                            state.sleepingUntil = deadline
                            return true
                        }
                        if asleep {
                            // The sleeper is not a child: shutdown's cancellation is passed on by hand.
                            await withTaskCancellationHandler { await sleeper.value } onCancel: { sleeper.cancel() }
                        } else {
                            sleeper.cancel()
                        }
                        self.state.withLock { state in
                            state.sleeper = nil
                            state.sleepingUntil = nil
                        }
                    }
                }
                self.state.withLock { $0.stopped = true }
            }
        }
    }

    private enum Step {
        case run(Job)
        /// Nothing can start before this instant (nil: nothing is scheduled, or every worker is busy).
        case wait(ContinuousClock.Instant?)
    }

    private func next() -> Step {
        state.withLock { state in
            guard let first = state.heap.first else { return .wait(nil) }
            guard state.running < workers else { return .wait(nil) }
            guard first.due <= .now else { return .wait(first.due) }
            let entry = Self.pop(from: &state.heap)
            state.running += 1
            state.peakRunning = max(state.peakRunning, state.running)
            return .run(entry.job)
        }
    }

    /// Whether the dispatcher may sleep until `until`: nothing became startable since it looked.
    private func isStillIdle(_ state: State, until: ContinuousClock.Instant?) -> Bool {
        guard let first = state.heap.first, state.running < workers else { return true }
        guard let until else { return false }
        return first.due >= until
    }

    private func finished() {
        let wake: Task<Void, Never>? = state.withLock { state in
            state.running -= 1
            // A worker is free: the dispatcher may have slept because none was, or until a later job's time.
            guard let first = state.heap.first, let until = state.sleepingUntil, first.due < until else { return nil }
            return state.sleeper
        }
        wake?.cancel()
    }

    // MARK: the binary heap

    private static func push(_ entry: Entry, into heap: inout [Entry]) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private static func pop(from heap: inout [Entry]) -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            guard smallest != parent else { return top }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
