import Logging
import PostgresNIO
import Synchronization

extension PostgresPaymentStore {
    /// Runs `body` on a pooled connection. Waiting for the connection is bounded by
    /// `configuration.connectTimeout`: while the database is unreachable the pool keeps retrying in the
    /// background, and the caller gets a `StoreError` instead of waiting (the gateway answers 500, recovery
    /// tries again later). Once `body` has started it runs to its end.
    func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let gate = LeaseGate()
        let timeout = configuration.connectTimeout
        return try await withThrowingTaskGroup(of: LeaseRace<Result>.self) { [client, configuration] group in
            group.addTask {
                .finished(
                    try await client.withConnection { connection in
                        guard gate.enter() else { throw CancellationError() }
                        return try await body(connection)
                    })
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .timerFired
            }
            while let next = try await group.next() {
                switch next {
                case .finished(let result):
                    group.cancelAll()
                    return result
                case .timerFired:
                    if gate.expire() {
                        group.cancelAll()
                        try Task.checkCancellation()
                        throw StoreError("no connection to the ledger \(configuration) within \(timeout)")
                    }
                }
            }
            throw StoreError("the ledger operation ended without a result")
        }
    }

    /// Runs `body` in one transaction (READ COMMITTED) on a pooled connection: COMMIT when it returns, ROLLBACK
    /// when it throws. Errors come out as thrown, not wrapped.
    func transaction<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { [logger] connection in
            try await connection.query("BEGIN", logger: logger)
            let result: Result
            do {
                result = try await body(connection)
            } catch {
                do {
                    try await connection.query("ROLLBACK", logger: logger)
                } catch {
                    // Never hand a connection that may still be inside a transaction back to the pool.
                    try? await connection.close()
                }
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            return result
        }
    }

    /// Runs one statement and collects its rows.
    func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// Runs one statement that returns no rows worth reading.
    func execute(_ query: PostgresQuery, on connection: PostgresConnection) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }
}

/// Who won: the operation or the connection wait's timer.
enum LeaseRace<Result: Sendable>: Sendable {
    case finished(Result)
    case timerFired
}

/// Decides, once, whether an operation got its connection in time or timed out waiting for it.
final class LeaseGate: Sendable {
    private enum State { case waiting, leased, expired }
    private let state = Mutex(State.waiting)

    /// The operation has a connection: true unless the wait already expired.
    func enter() -> Bool {
        state.withLock { state in
            guard state == .waiting else { return false }
            state = .leased
            return true
        }
    }

    /// The timer fired: true when the operation was still waiting (it must be abandoned).
    func expire() -> Bool {
        state.withLock { state in
            guard state == .waiting else { return false }
            state = .expired
            return true
        }
    }
}
