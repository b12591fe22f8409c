import Logging
import PostgresNIO
import Synchronization

extension PostgresPaymentStore {
    /// Runs `body` on a pooled connection. Waiting for the connection is bounded by
    /// `configuration.connectTimeout`: while the database is unreachable the pool keeps retrying in the
    /// background, and the caller gets a `StoreError` instead of waiting (the gateway answers 500, recovery
    /// tries again later). Once `body` has started it runs to its end.
    ///
    /// The caller is answered the moment the wait expires, not when the pool lets go of the abandoned lease
    /// request: postgres-nio may hold a cancelled lease until its current connection attempt ends, which on a
    /// loaded machine took several seconds per call. The abandoned lease finishes on its own task; if it is
    /// granted after all, the gate refuses it and the connection goes straight back to the pool.
    func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let gate = LeaseGate()
        let answer = OnceAnswer<Result>()
        let timeout = configuration.connectTimeout
        let description = "\(configuration)"
        let operation = Task { [client] in
            do {
                answer.resume(
                    .success(
                        try await client.withConnection { connection in
                            guard gate.enter() else { throw CancellationError() }
                            return try await body(connection)
                        }))
            } catch {
                answer.resume(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled, gate.expire() else { return }
            operation.cancel()
            answer.resume(.failure(StoreError("no connection to the ledger \(description) within \(timeout)")))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await answer.value()
        } onCancel: {
            operation.cancel()
            if gate.expire() { answer.resume(.failure(CancellationError())) }
        }
    }

    /// `withConnection` for one statement that writes: counted in `LedgerWrites` as `operation`.
    func withConnection<Result: Sendable>(
        writing operation: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        LedgerWrites.count(operation)
        return try await withConnection(body)
    }

    /// Runs `body` in one transaction (READ COMMITTED) on a pooled connection: COMMIT when it returns, ROLLBACK
    /// when it throws. Errors come out as thrown, not wrapped. Counted in `LedgerWrites` as `operation` (the
    /// caller's method by default); a retried transaction counts each try.
    func transaction<Result: Sendable>(
        operation: String = #function, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        LedgerWrites.count(operation)
        return try await withConnection { [logger] connection in
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

/// The one answer of `withConnection`: the operation's result, or the timer's or the caller's cancellation,
/// whichever comes first. Later resumes are ignored; a resume before anyone waits is kept for the waiter.
final class OnceAnswer<Value: Sendable>: Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<Value, any Error>)
        case answered(Swift.Result<Value, any Error>)
        case delivered
    }
    private let state = Mutex(State.empty)

    func resume(_ result: Swift.Result<Value, any Error>) {
        let waiter: CheckedContinuation<Value, any Error>? = state.withLock { state in
            switch state {
            case .empty:
                state = .answered(result)
                return nil
            case .waiting(let continuation):
                state = .delivered
                return continuation
            case .answered, .delivered:
                return nil
            }
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Swift.Result<Value, any Error>? = state.withLock { state in
                switch state {
                case .empty:
                    state = .waiting(continuation)
                    return nil
                case .answered(let result):
                    state = .delivered
                    return result
                case .waiting, .delivered:
                    preconditionFailure("OnceAnswer.value() awaited twice")
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
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
