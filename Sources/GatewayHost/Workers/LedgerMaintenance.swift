import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Periodic ledger upkeep that runs whatever else is switched off: refreshes the gauges
/// `gateway_open_transactions` and `gateway_open_transactions_overdue` (open longer than
/// `--pending-alert-after`, the ops flag), forgets merchant nonces older than the 10 minute window, and once an
/// hour forgets the daily limit counters of days more than `limitCounterRetentionDays` ago.
struct LedgerMaintenance: Service {
    var payments: PaymentService
    var interval: Duration = .seconds(5)
    var logger: Logger

    /// How long a day's limit counters are kept: longer than any payment stays open (so that a late decline
    /// still releases on its day) and than ops look back with `GET /admin/limits`.
    static let limitCounterRetentionDays = 35
    static let limitCounterPurgeInterval: Duration = .seconds(3600)

    func run() async throws {
        let openGauge = Gauge(label: "gateway_open_transactions")
        let overdueGauge = Gauge(label: "gateway_open_transactions_overdue")
        try? await cancelWhenGracefulShutdown {
            var lastPurge: ContinuousClock.Instant?
            while !Task.isCancelled {
                await maintain(openGauge: openGauge, overdueGauge: overdueGauge)
                if lastPurge.map({ ContinuousClock.now - $0 >= Self.limitCounterPurgeInterval }) ?? true {
                    lastPurge = .now
                    await purgeLimitCounters()
                }
                try await Task.sleep(for: interval)
            }
        }
    }

    /// Forgets the counters of days before the retention (in UTC: a day either side makes no difference here).
    func purgeLimitCounters() async {
        let cutoff = BusinessDay.string(
            payments.now() - TimeInterval(Self.limitCounterRetentionDays * 86_400), timeZone: "UTC")
        do {
            let purged = try await payments.store.purgeLimitCounters(before: cutoff)
            if purged > 0 {
                logger.info("forgot old limit counters", metadata: ["rows": "\(purged)", "before": "\(cutoff)"])
            }
        } catch {
            logger.error("limit counter purge failed", metadata: ["error": "\(error)"])
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
