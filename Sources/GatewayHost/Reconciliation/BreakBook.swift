import Foundation
import Reconciliation

/// How a run's breaks change the stored ones: the life of a break (open → persisting → resolved), as a pure
/// function of what is stored and what the run found, so both stores apply the same rules.
///
/// - A break the run found that is not stored is new: `open` (a timing difference: `carried`), first seen on the
///   run's date.
/// - Found and stored: `persisting` when first seen on an earlier date, else `open`; `carried` stays carried
///   while it is a timing difference. One that ops resolved by hand stays resolved (its item is refreshed).
/// - Stored, not found again, and this run was the one to look — it was carried into the run, or an earlier run
///   of the same date had found it — is `resolved` by reconciliation.
enum BreakBook {
    struct Change: Sendable {
        var upserts: [BreakRecord]
        var resolved: Int
    }

    static func merge(
        stored: [String: BreakRecord], found: [BreakRecord], carriedIn: Set<String>, date: String, now: Date
    ) -> Change {
        var upserts: [BreakRecord] = []
        var seen = Set<String>()
        for var next in found {
            seen.insert(next.id)
            guard let old = stored[next.id] else {
                next.state = next.breakClass == .timing ? .carried : .open
                next.firstSeen = date
                next.lastSeen = date
                upserts.append(next)
                continue
            }
            if old.state == .resolved, old.resolvedBy != BreakRecord.automatic {
                var kept = old
                kept.item = next.item
                kept.updatedAt = now
                upserts.append(kept)
                continue
            }
            // A timing difference that is still unmatched a day later became a break on that day.
            let firstSeen = old.breakClass == .timing && next.breakClass != .timing ? date : min(old.firstSeen, date)
            next.firstSeen = firstSeen
            next.lastSeen = max(old.lastSeen, date)
            next.state = next.breakClass == .timing ? .carried : (firstSeen < date ? .persisting : .open)
            next.resolvedAt = nil
            next.resolvedBy = nil
            next.resolution = nil
            upserts.append(next)
        }
        var resolved = 0
        for old in stored.values.sorted(by: { $0.id < $1.id }) where !seen.contains(old.id) && old.state != .resolved {
            guard carriedIn.contains(old.id) || old.lastSeen == date else { continue }
            var done = old
            done.state = .resolved
            done.resolvedAt = now
            done.resolvedBy = BreakRecord.automatic
            done.resolution = "settled by the run of \(date)"
            done.updatedAt = now
            upserts.append(done)
            resolved += 1
        }
        return Change(upserts: upserts, resolved: resolved)
    }
}
