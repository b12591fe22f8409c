import Foundation
import Reconciliation

/// What reconciliation reads from and writes to the ledger database. Payment rows are only read here: a
/// compensation goes through ``PaymentService`` like every other state change.
protocol ReconciliationStore: ReconciliationJobStore {
    /// The bank-visible transactions of `channelId` whose business instant (ms) is in `window`: payments (as
    /// their current attempt, under its bank-visible id), the attempts a failover superseded, and refunds. Read as a stream into the compact table.
    /// `expectedRows` (the channel's last run) sizes the table; without it the store counts first.
    func reconciliationLedger(channelId: String, window: Range<Int64>, expectedRows: Int?) async throws -> LedgerTable

    /// The channel's transactions with these bank-visible ids, in any day (a refund's `paymentId` filled in).
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
    /// Breaks in list order (first seen, channel, class, transaction, id), starting after `after`.
    func breaks(channelId: String?, openOnly: Bool, limit: Int, after: BreakCursor?) async throws -> [BreakRecord]
    func breakRecord(id: String) async throws -> BreakRecord?
    /// Resolves a break by hand; nil when there is no such break.
    func resolveBreak(id: String, by: String, note: String, at: Date) async throws -> BreakRecord?
}

/// The JSON stored in the reconciliation tables: sorted keys (the same bytes for the same value), dates as ms.
enum StoredJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(type, from: Data(text.utf8))
    }
}

extension BreakRecord {
    static func encode(_ item: ReconciliationItem) throws -> String { try StoredJSON.encode(item) }
    static func decode(_ text: String) throws -> ReconciliationItem { try StoredJSON.decode(ReconciliationItem.self, text) }
}

extension ReconciliationRun {
    static func encode(_ run: ReconciliationRun) throws -> String { try StoredJSON.encode(run) }
    static func decode(_ text: String) throws -> ReconciliationRun { try StoredJSON.decode(ReconciliationRun.self, text) }
}
