import Foundation
import Logging
import ServiceLifecycle

/// Reads the forced circuit breaker states from the ledger every `interval` and applies them to this node's
/// breakers, so that one `gatewayctl channels breaker` reaches every gateway on the database (and survives
/// restarts). A ledger that cannot be read keeps the last states applied.
struct BreakerSyncService: Service {
    var store: any PaymentStore
    var breakers: ChannelBreakers
    var interval: Duration = .seconds(1)
    var logger: Logger
    /// Opened after the first read (whatever its result), for what must not start before it.
    var firstSync: StartGate?

    func run() async throws {
        await sync()
        firstSync?.open()
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await sync()
            }
        }
    }

    func sync() async {
        do {
            breakers.apply(overrides: try await store.breakerOverrides())
        } catch {
            logger.warning("breaker states could not be read from the ledger", metadata: ["error": "\(error)"])
        }
    }
}
