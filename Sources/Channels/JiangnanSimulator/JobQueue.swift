import ServiceLifecycle

/// The simulator's background work (notification deliveries, delayed completions), run as a service of the
/// application: jobs run as child tasks of `run()` and are cancelled on graceful shutdown.
final class JobQueue: Service, Sendable {
    /// One unit of background work.
    typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    init() {
        (jobs, continuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// Queues a job; it starts as soon as the service runs.
    func submit(_ job: @escaping Job) {
        continuation.yield(job)
    }

    /// Runs queued jobs concurrently until graceful shutdown.
    func run() async {
        let jobs = self.jobs
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await job in jobs {
                    group.addTask { await job() }
                }
            }
        }
        continuation.finish()
    }
}
