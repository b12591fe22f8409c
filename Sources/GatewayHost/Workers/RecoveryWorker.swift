import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Resolves every open (processing or pending) payment and refund: on start, and continuously.
///
/// Each round takes the checks that are due (`PaymentStore.dueChecks`), claims each one (so that several
/// gateway processes on one database never query the same transaction at once) and runs up to
/// `concurrency` of them at a time through `PaymentService.check`. The schedule and the finality rule live
/// there. (Gauges and nonce purging are `LedgerMaintenance`, which runs even when this worker is off.)
struct RecoveryWorker: Service {
    struct Configuration: Sendable {
        /// Pause between rounds when nothing was due.
        var pollInterval: Duration = .milliseconds(250)
        /// Checks run at the same time.
        var concurrency = 16
        /// Checks taken per round.
        var batchSize = 64
    }

    var payments: PaymentService
    var configuration = Configuration()
    var logger: Logger

    func run() async throws {
        logger.info("recovery worker started")
        // On SIGTERM the worker stops between checks: an interrupted query is simply asked again later.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let handled = await LedgerWrites.$origin.withValue("recovery", operation: { await round() })
                if handled < configuration.batchSize {
                    try await Task.sleep(for: configuration.pollInterval)
                }
            }
        }
        logger.info("recovery worker stopped")
    }

    /// One round; answers how many checks were due.
    func round() async -> Int {
        let due: [OpenTransaction]
        do {
            due = try await payments.store.dueChecks(now: payments.now(), limit: configuration.batchSize)
        } catch {
            logger.error("recovery: cannot read due checks", metadata: ["error": "\(error)"])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for transaction in due {
                if running >= configuration.concurrency {
                    await group.next()
                    running -= 1
                }
                running += 1
                group.addTask { await check(transaction) }
            }
        }
        return due.count
    }

    private func check(_ transaction: OpenTransaction) async {
        do {
            let result = try await payments.check(transaction)
            let label: String
            switch result {
            case .moved(let status):
                label = status.rawValue
                logger.info(
                    "recovery resolved a transaction",
                    metadata: ["transaction": "\(transaction.id)", "from": "\(transaction.status.rawValue)", "to": "\(status.rawValue)"])
            case .rescheduled: label = "rescheduled"
            case .skipped: label = "skipped"
            }
            Counter(label: "gateway_recovery_checks_total", dimensions: [("result", label)]).increment()
        } catch {
            Counter(label: "gateway_recovery_checks_total", dimensions: [("result", "error")]).increment()
            logger.error("recovery check failed", metadata: ["transaction": "\(transaction.id)", "error": "\(error)"])
        }
    }
}
