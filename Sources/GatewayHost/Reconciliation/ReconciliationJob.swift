import Foundation

/// A scheduled reconciliation of one (channel, business date), claimed by one node at a time under a lease.
struct ReconciliationJob: Sendable, Equatable {
    enum State: String, Sendable {
        /// Waiting for its time (or its next attempt).
        case due
        /// Claimed by `leaseOwner` until `leaseUntil`; another node takes it over once the lease has expired.
        case running
        /// Its run is stored.
        case completed
        /// Given up (the channel is gone); a manual run still completes it.
        case failed
    }

    var channel: String
    var businessDate: String
    var state: State
    var attempts: Int
    var nextAttemptAt: Date
    var leaseOwner: String?
    var leaseUntil: Date?
    var lastError: String?
}

/// A node's run lost its job's lease (it was too slow, or paused): another node owns the job now, and this
/// node's result is not stored.
struct ReconciliationLeaseLost: Error, CustomStringConvertible {
    var channel: String
    var date: String
    var description: String { "the lease on the reconciliation of \(channel) \(date) was lost to another node" }
}

/// The job table's operations, on both stores.
protocol ReconciliationJobStore: Sendable {
    /// Creates the job if it does not exist (due at `dueAt`).
    func ensureReconciliationJob(channelId: String, date: String, dueAt: Date, now: Date) async throws
    /// Claims the next due job, or one whose lease expired: `FOR UPDATE SKIP LOCKED` on PostgreSQL, so nodes
    /// never claim the same one.
    func claimReconciliationJob(node: String, leaseUntil: Date, now: Date) async throws -> ReconciliationJob?
    /// Extends this node's lease; false when the node no longer holds it.
    func renewReconciliationLease(channelId: String, date: String, node: String, until: Date, now: Date) async throws -> Bool
    /// Hands a job back after a failed attempt (due again at `next`), or gives it up (`next` nil: failed).
    func releaseReconciliationJob(
        channelId: String, date: String, node: String, error: String, next: Date?, now: Date
    ) async throws
    func reconciliationJobs(channelId: String?) async throws -> [ReconciliationJob]
    /// Records the statement's digest on the day's job the first time; later runs (another node's download
    /// after a takeover) get the recorded digest and size back to compare. nil: no job, or recorded now.
    func recordStatementDigest(channelId: String, date: String, sha256: String, bytes: Int64) async throws -> (String, Int64)?
}
