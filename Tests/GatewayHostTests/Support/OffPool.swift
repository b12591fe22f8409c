import Foundation

/// Runs blocking work (a child process waited for, a pipe read to its end) on a thread of its own and awaits
/// it. Swift's cooperative pool has one thread per core — two here — and a test that blocks one of them for
/// seconds stalls every other test's timers and network callbacks: the timing tests of a parallel run then
/// fail for no fault of their own.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.name = "test blocking work"
        thread.start()
    }
}
