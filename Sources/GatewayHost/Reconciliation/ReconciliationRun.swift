import Crypto
import Foundation
import GatewayAPI
import MerchantAuth
import Reconciliation

/// A stored run: one per (channel, business date); a re-run replaces it. Stored as the JSON the admin API
/// answers.
typealias ReconciliationRun = AdminReconRun

extension ReconciliationRun {
    /// `started_at` and `finished_at` as instants, for the stores' ordering columns.
    var startedAtInstant: Date { Self.instant(startedAt) }
    var finishedAtInstant: Date { Self.instant(finishedAt) }

    private static func instant(_ text: String) -> Date {
        (try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)))
            ?? Date(timeIntervalSince1970: 0)
    }
}

/// A stored break and its life across runs.
struct BreakRecord: Sendable, Equatable {
    enum State: String, Sendable, Codable {
        case open, persisting, carried, resolved
    }

    var id: String
    var channel: String
    var key: String
    var breakClass: BreakClass
    var transactionId: String?
    var state: State
    var firstSeen: String
    var lastSeen: String
    var amount: Int64?
    var currency: String?
    var item: ReconciliationItem
    var resolvedAt: Date?
    var resolvedBy: String?
    var resolution: String?
    var updatedAt: Date

    /// Whether later days' runs check this break again: a break about a transaction is (the bank may book it
    /// late, the ledger may agree by then); a duplicate or unparseable line belongs to its own day's file.
    var isCheckedByLaterRuns: Bool {
        breakClass != .duplicateInStatement && breakClass != .unparseableLine && transactionId != nil
    }

    /// Who resolves breaks that a run settled.
    static let automatic = "reconciliation"

    /// A break's id: the same for the same channel and key in every run and on every node.
    static func id(channel: String, key: String) -> String {
        let digest = SHA256.hash(data: Data("\(channel)\n\(key)".utf8))
        return "brk_" + Hex.encode(digest.prefix(10))
    }
}
