import ChannelKit
import Foundation
import GatewayAPI
import Logging
import Metrics
import ServiceLifecycle

/// Runs each scheduled channel's daily reconciliation as a job: a channel whose config has
/// `reconciliation.run_after` gets a job for the previous business day once that time of day (bank time) has
/// passed. Jobs are claimed under a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so however many gateways
/// share the ledger each day is run to completion once; a node that dies loses its lease when it expires and
/// another node finishes the job. A statement that is not ready is asked again with backoff
/// (`retry_seconds`, doubling, at most an hour); a day still not reconciled `overdue_after_minutes` after
/// its time is overdue (`gateway_recon_overdue`, `gatewayctl recon runs`).
struct ReconciliationScheduler: Service {
    struct Configuration: Sendable {
        /// How often due jobs are looked for; nil: never (runs only when asked).
        var pollInterval: Duration? = .seconds(30)
        /// How long a claimed job is this node's; renewed every third of it while the run goes on.
        var leaseDuration: Duration = .seconds(120)
    }

    var service: ReconciliationService
    var configuration: Configuration
    var logger: Logger

    func run() async throws {
        guard let interval = configuration.pollInterval else {
            // No schedule on this node; a service that returns early would stop the whole group.
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: .milliseconds(200))
            var scheduled = Set<String>()
            while !Task.isCancelled {
                await tick(scheduled: &scheduled)
                try await Task.sleep(for: interval)
            }
        }
    }

    /// `scheduled`: the (channel, day) jobs this node made sure of, so each is written once, not at every poll.
    private func tick(scheduled: inout Set<String>) async {
        let now = service.now()
        for (channel, due) in service.schedules(now: now) where due.at <= now {
            let key = "\(channel) \(due.date)"
            guard !scheduled.contains(key) else { continue }
            do {
                try await service.store.ensureReconciliationJob(
                    channelId: channel, date: due.date.description, dueAt: due.at, now: now)
                scheduled.insert(key)
            } catch {
                logger.error("reconciliation job could not be scheduled", metadata: ["channel": "\(channel)", "error": "\(error)"])
            }
        }
        while !Task.isCancelled {
            let now = service.now()
            let job: ReconciliationJob?
            do {
                job = try await service.store.claimReconciliationJob(
                    node: service.node, leaseUntil: now + configuration.leaseDuration.seconds, now: now)
            } catch {
                logger.error("reconciliation jobs could not be read", metadata: ["error": "\(error)"])
                break
            }
            guard let job else { break }
            await run(job)
        }
        await service.recordOverdue()
    }

    private func run(_ job: ReconciliationJob) async {
        guard let date = BusinessDate(job.businessDate) else { return }
        let lease = configuration.leaseDuration
        let node = service.node
        let store = service.store
        let clock = service.now
        logger.info("reconciliation job claimed", metadata: ["channel": "\(job.channel)", "date": "\(job.businessDate)", "attempt": "\(job.attempts)"])
        let work = Task { [service] in
            try await service.run(channelId: job.channel, date: date, options: .init(lease: node))
        }
        let renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: lease / 3)
                if Task.isCancelled { return }
                let now = clock()
                let held = (try? await store.renewReconciliationLease(
                    channelId: job.channel, date: job.businessDate, node: node, until: now + lease.seconds, now: now)) ?? true
                if !held {
                    work.cancel()
                    return
                }
            }
        }
        defer { renewal.cancel() }
        do {
            // Shutdown cancels the run; the job is handed back (or its lease runs out) for the next node.
            _ = try await withTaskCancellationHandler { try await work.value } onCancel: { work.cancel() }
            logger.info("reconciliation job completed", metadata: ["channel": "\(job.channel)", "date": "\(job.businessDate)"])
        } catch let error as ReconciliationLeaseLost {
            logger.warning("\(error)")
        } catch {
            let now = service.now()
            let entry = service.registry.channel(job.channel)
            let retry = Double(entry?.reconciliation.retrySeconds ?? 300)
            let delay = min(retry * pow(2, Double(max(0, job.attempts - 1))), 3600)
            let gone = entry == nil || entry?.manifest?.statements == nil
            let message = (error as? GatewayError).map { "\($0.code): \($0.message)" } ?? "\(error)"
            logger.warning(
                gone ? "reconciliation job given up: the channel is gone" : "reconciliation job failed; it is tried again",
                metadata: ["channel": "\(job.channel)", "date": "\(job.businessDate)", "error": "\(message)", "retry_s": "\(Int(delay))"])
            try? await store.releaseReconciliationJob(
                channelId: job.channel, date: job.businessDate, node: node, error: message,
                next: gone ? nil : now + delay, now: now)
        }
    }
}

extension ReconciliationService {
    /// The latest business day each scheduled channel should be reconciled for, and when it became due.
    func schedules(now: Date) -> [(String, (date: BusinessDate, at: Date))] {
        var due: [(String, (date: BusinessDate, at: Date))] = []
        for entry in registry.snapshot.channels.values.sorted(by: { $0.id < $1.id }) {
            guard let minutes = entry.reconciliation.runAfterMinutes, let support = entry.manifest?.statements,
                !entry.fileDeleted
            else { continue }
            let zone = entry.reconciliation.timeZoneIdentifier ?? support.timeZoneIdentifier
            guard let today = BusinessDate(containing: now, in: zone), let yesterday = today.previous,
                let before = yesterday.previous, let todayStart = today.start(in: zone),
                let yesterdayStart = yesterday.start(in: zone)
            else { continue }
            let todayAt = todayStart + TimeInterval(minutes * 60)
            if now >= todayAt {
                due.append((entry.id, (date: yesterday, at: todayAt)))
            } else {
                due.append((entry.id, (date: before, at: yesterdayStart + TimeInterval(minutes * 60))))
            }
        }
        return due
    }

    /// Scheduled days not reconciled `overdue_after_minutes` after they became due.
    func overdue(channel: String?) async -> [AdminReconOverdue] {
        let now = now()
        var found: [AdminReconOverdue] = []
        for (id, due) in schedules(now: now) where channel == nil || channel == id {
            let after = TimeInterval((registry.channel(id)?.reconciliation.overdueAfterMinutes ?? 240) * 60)
            guard now >= due.at + after else { continue }
            if (try? await store.reconciliationRun(channelId: id, date: due.date.description)) != nil { continue }
            let jobs = (try? await store.reconciliationJobs(channelId: id)) ?? []
            let job = jobs.first { $0.businessDate == due.date.description }
            found.append(
                AdminReconOverdue(
                    channel: id, businessDate: due.date.description, dueSince: JSONBody.timestamp(due.at),
                    lastError: job?.lastError))
        }
        return found
    }

    /// Sets `gateway_recon_overdue{channel}` for every scheduled channel.
    func recordOverdue() async {
        let overdue = Set(await overdue(channel: nil).map(\.channel))
        for (id, _) in schedules(now: now()) {
            Gauge(label: "gateway_recon_overdue", dimensions: [("channel", id)]).record(overdue.contains(id) ? 1 : 0)
        }
    }
}
