import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Periodic ledger upkeep that runs whatever else is switched off: refreshes the gauges
/// `gateway_open_transactions` and `gateway_open_transactions_overdue` (open longer than
/// `--pending-alert-after`, the ops flag), and forgets merchant nonces older than the 10 minute window.
struct LedgerMaintenance: Service {
    var payments: PaymentService
    var interval: Duration = .seconds(5)
    var logger: Logger

    func run() async throws {
        let openGauge = Gauge(label: "gateway_open_transactions")
        let overdueGauge = Gauge(label: "gateway_open_transactions_overdue")
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await maintain(openGauge: openGauge, overdueGauge: overdueGauge)
                try await Task.sleep(for: interval)
            }
        }
    }

    func maintain(openGauge: Gauge, overdueGauge: Gauge) async {
        let now = payments.now()
        do {
            let counts = try await payments.store.openCounts(overdueBefore: now - payments.configuration.pendingAlertAge.seconds)
            openGauge.record(counts.open)
            overdueGauge.record(counts.overdue)
            if counts.overdue > 0 {
                logger.warning("open transactions older than the alert age", metadata: ["count": "\(counts.overdue)"])
            }
            try await payments.store.purgeNonces(before: Date() - MerchantAuthWindow.nonceLifetime)
        } catch {
            logger.error("ledger maintenance failed", metadata: ["error": "\(error)"])
        }
    }
}
