import Synchronization
import Testing

@testable import JiangnanSimulator
@testable import SimulatorSupport

/// The simulator's background scheduler: due order, bounded concurrency, waiting jobs that are not tasks, shutdown.
@Suite("Simulator job scheduler", .serialized)
struct JobSchedulerTests {
    /// Runs `scheduler` for the duration of `body`, then cancels it and waits for it to end.
    static func running(_ scheduler: JobScheduler, _ body: () async throws -> Void) async throws {
        let service = Task { await scheduler.run() }
        do {
            try await body()
        } catch {
            service.cancel()
            await service.value
            throw error
        }
        service.cancel()
        await service.value
    }

    /// A liveness bound only (what is asserted is the order and the times): generous, because CPU-heavy tests
    /// running beside this one can hold both of the cooperative pool's threads for tens of seconds.
    static func eventually(_ seconds: Double = 60, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        return condition()
    }

    @Test("jobs start in order of their due time, not of scheduling; none before its time")
    func dueOrder() async throws {
        let scheduler = JobScheduler(workers: 1)
        let started = Mutex<[(Int, ContinuousClock.Instant)]>([])
        let origin = ContinuousClock.now
        for (index, delay) in [(3, 300), (1, 100), (2, 200), (0, 0)] {
            scheduler.schedule(at: origin + .milliseconds(delay)) { started.withLock { $0.append((index, .now)) } }
        }
        try await Self.running(scheduler) { () async throws in
            #expect(try await Self.eventually { started.withLock { $0.count } == 4 })
        }
        let order = started.withLock { $0 }
        #expect(order.map(\.0) == [0, 1, 2, 3])
        for (index, at) in order { #expect(at >= origin + .milliseconds(index * 100), "job \(index) started early") }
    }

    @Test("at most `workers` jobs run at once; every job runs")
    func bounded() async throws {
        let scheduler = JobScheduler(workers: 4)
        let done = Mutex(0)
        try await Self.running(scheduler) { () async throws in
            for _ in 0..<200 {
                scheduler.submit {
                    try? await Task.sleep(for: .milliseconds(2))
                    done.withLock { $0 += 1 }
                }
            }
            #expect(try await Self.eventually(60) { done.withLock { $0 } == 200 })
        }
        #expect(scheduler.peakRunning <= 4 && scheduler.peakRunning >= 2, "peak \(scheduler.peakRunning)")
    }

    @Test("2,000 notifications that keep failing: each attempt a short job, the waits heap entries, never more tasks than workers")
    func failingDeliveries() async throws {
        let scheduler = JobScheduler(workers: 8)
        let attempts = Mutex(0)
        @Sendable func attempt(_ number: Int) {
            attempts.withLock { $0 += 1 }
            guard number < 8 else { return }
            scheduler.schedule(after: .milliseconds(1)) { attempt(number + 1) }
        }
        try await Self.running(scheduler) { () async throws in
            // Small enough to stay light beside the other suites (the point is the bound, not the volume).
            for _ in 0..<2_000 { scheduler.submit { attempt(1) } }
            #expect(try await Self.eventually(120) { attempts.withLock { $0 } == 16_000 }, "\(attempts.withLock { $0 })")
            // An hour's worth of waiting retries: all in the heap, none running.
            for _ in 0..<20_000 { scheduler.schedule(after: .seconds(3600)) {} }
            #expect(scheduler.counts.waiting == 20_000 && scheduler.counts.running == 0)
        }
        #expect(scheduler.peakRunning <= 8)
    }

    @Test("cancelled with jobs an hour ahead, the service ends at once; nothing is scheduled after it stopped")
    func shutdown() async throws {
        let scheduler = JobScheduler()
        let ran = Mutex(false)
        scheduler.schedule(after: .seconds(3600)) { ran.withLock { $0 = true } }
        let service = Task { await scheduler.run() }
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        service.cancel()
        await service.value
        #expect(ContinuousClock.now - start < .seconds(20), "a sleeping dispatcher must wake on cancellation, not in an hour")
        #expect(!ran.withLock { $0 })
        scheduler.submit { ran.withLock { $0 = true } }
        #expect(scheduler.counts.waiting == 1, "the hour-ahead job stays; a stopped scheduler takes no more")
    }
}
