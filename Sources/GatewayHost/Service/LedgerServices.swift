import Logging
import ServiceLifecycle
import Synchronization

/// Opens once: the services that need the ledger wait for it (PostgreSQL migrations done).
final class StartGate: Sendable {
    private let isOpen = Mutex(false)

    init(open: Bool = false) {
        isOpen.withLock { $0 = open }
    }

    func open() { isOpen.withLock { $0 = true } }

    /// Waits until the gate is open; throws when the task is cancelled first (the group is stopping).
    func wait() async throws {
        while !isOpen.withLock({ $0 }) {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// The PostgreSQL connection pool as a service of the gateway's one ServiceGroup: started first, stopped
/// last (after every listener and worker that uses it has stopped).
struct PostgresPoolService: Service {
    var store: PostgresPaymentStore

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await store.run()
        }
    }
}

/// Brings the PostgreSQL schema up to date once the pool runs, then opens `gate`: no listener or worker
/// starts before the ledger is migrated. A failed migration stops the gateway.
struct LedgerMigrationService: Service {
    var store: PostgresPaymentStore
    var gate: StartGate
    var logger: Logger

    func run() async throws {
        try await store.migrate()
        gate.open()
        try? await gracefulShutdown()
    }
}

/// Runs `service` once `gate` is open.
struct AfterGate<Wrapped: Service>: Service {
    var gate: StartGate
    var service: Wrapped

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await gate.wait() }
        } catch {
            return
        }
        try await service.run()
    }
}
