import Foundation
import GRDB
import Synchronization

/// Group commit for the SQLite ledger: the write transactions of concurrent requests are folded into one
/// SQLite transaction, so that one fsync (synchronous=FULL) makes all of them durable together.
///
/// Each unit of work runs in its own savepoint, so one that throws is rolled back alone and its caller
/// gets the error while the others commit. A caller is answered only after the COMMIT that contains its
/// work has returned: durability is never traded for speed. When the COMMIT itself fails, every caller of
/// that batch gets the error and none of their work is kept.
///
/// One drain task runs while work is queued; it takes everything queued, runs it on GRDB's writer
/// connection, commits, answers, and repeats. With a single caller this is a plain transaction.
final class SQLiteGroupCommit: Sendable {
    private struct Job: Sendable {
        var run: @Sendable (Database) -> Void
        var finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var queue: [Job] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let state = Mutex(State())
    /// Largest number of units folded into one commit.
    let maximumBatch: Int

    init(pool: DatabasePool, maximumBatch: Int = 256) {
        self.pool = pool
        self.maximumBatch = maximumBatch
    }

    /// Runs `work` inside the next group transaction; returns its result once that transaction committed.
    /// `operation` names it in `LedgerWrites` (the caller's method by default).
    func write<T: Sendable>(operation: String = #function, _ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        LedgerWrites.count(operation)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let result = Mutex<Result<T, any Error>?>(nil)
            let job = Job(
                run: { db in
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try work(db)
                            return .commit
                        }
                        result.withLock { $0 = .success(value!) }
                    } catch {
                        result.withLock { $0 = .failure(error) }
                    }
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: result.withLock { $0 } ?? .failure(StoreError("unit of work did not run")))
                    }
                })
            let startDrain = state.withLock { state -> Bool in
                state.queue.append(job)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDrain {
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Job] in
                let taken = Array(state.queue.prefix(maximumBatch))
                state.queue.removeFirst(taken.count)
                if taken.isEmpty { state.draining = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            do {
                try await pool.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        for job in batch { job.run(db) }
                        return .commit
                    }
                }
                for job in batch { job.finish(nil) }
            } catch {
                for job in batch { job.finish(error) }
            }
        }
    }
}
