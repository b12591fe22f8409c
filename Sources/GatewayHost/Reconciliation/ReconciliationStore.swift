import Foundation
import Reconciliation

/// What reconciliation reads from and writes to the ledger database. Payment rows are only read here: a
/// compensation goes through ``PaymentService`` like every other state change.
protocol ReconciliationStore: ReconciliationJobStore {
    /// The bank-visible transactions of `channelId` whose business instant (ms) is in `window`: payments and
    /// refunds today, attempts once payments have several. Read as a stream into the compact table.
    func reconciliationLedger(channelId: String, window: Range<Int64>) async throws -> LedgerTable

    /// The channel's transactions with these ids, in any day (a refund's `paymentId` filled in).
    func reconciliationLookup(channelId: String, ids: [String]) async throws -> [String: LedgerFields]

    /// Unresolved breaks of the channel last seen before `date` (carried into a run of `date`).
    func unresolvedBreaks(channelId: String, lastSeenBefore date: String) async throws -> [BreakRecord]

    /// Stores a run: replaces the run of its (channel, date), applies the break changes the run implies
    /// (`BreakBook.merge`) and completes the day's job, in one transaction. With `lease` (a scheduled run) the
    /// node must still hold the job's lease, else ``ReconciliationLeaseLost`` and nothing is stored. Returns
    /// the number of breaks resolved and still open.
    func saveReconciliation(
        _ run: ReconciliationRun, found: [BreakRecord], carriedIn: Set<String>, lease: String?, now: Date
    ) async throws -> (resolved: Int, open: Int)

    func reconciliationRun(channelId: String, date: String) async throws -> ReconciliationRun?
    func reconciliationRuns(channelId: String?, limit: Int) async throws -> [ReconciliationRun]
    func breaks(channelId: String?, openOnly: Bool, limit: Int) async throws -> [BreakRecord]
    func breakRecord(id: String) async throws -> BreakRecord?
    /// Resolves a break by hand; nil when there is no such break.
    func resolveBreak(id: String, by: String, note: String, at: Date) async throws -> BreakRecord?
}

extension BreakRecord {
    /// The item as stored JSON (sorted keys: the same bytes for the same item).
    static func encode(_ item: ReconciliationItem) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return String(decoding: try encoder.encode(item), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> ReconciliationItem {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(ReconciliationItem.self, from: Data(text.utf8))
    }
}

extension ReconciliationRun {
    static func encode(_ run: ReconciliationRun) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return String(decoding: try encoder.encode(run), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> ReconciliationRun {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(ReconciliationRun.self, from: Data(text.utf8))
    }
}
