import ChannelKit

/// The ledger side of a run, held compactly: one fixed-size entry per bank-visible transaction, its id and the
/// bank's id in one byte arena, and an open-addressing index from the id's hash to the entry. No String, Date
/// or object per row: 2,000,000 rows take about 180 MB (entries 40 bytes, ids ~50 bytes) plus 16 MB of index.
///
/// A "bank-visible transaction" is what the bank saw under one id: today a payment or a refund; once a
/// payment has several attempts, each attempt is one row with its own id. The matcher never sees payments.
public struct LedgerTable: Sendable {
    /// Where a row came from.
    public enum Origin: UInt8, Sendable {
        /// In the run's business-day window.
        case window
        /// Carried into this run by an earlier run's break (a timing difference or a row the bank lacked).
        case carried
    }

    struct Entry {
        var hash: UInt64
        var amount: Int64
        var dayAt: Int64
        var offset: UInt32
        var idLength: UInt8
        var bankLength: UInt8
        var status: LedgerStatus
        var kind: TransactionKind
        var currency: CurrencyCode
        var origin: Origin
        var paired: Bool
    }

    var entries: [Entry] = []
    var arena: [UInt8] = []
    private var index: [Int32] = []
    private var mask = 0

    /// An empty table; `capacity` rows are reserved.
    public init(capacity: Int = 0) {
        entries.reserveCapacity(capacity)
        arena.reserveCapacity(capacity * 50)
    }

    /// The number of rows.
    public var count: Int { entries.count }

    /// Adds a row. `id` and `bankId` are UTF-8 bytes of at most 255 bytes each (longer ids are cut, which the
    /// store's 64-byte id rule never needs); `dayAt` is the row's business instant in ms since 1970 (the bank's
    /// completion time, else its creation time).
    public mutating func append(
        id: UnsafeRawBufferPointer, bankId: UnsafeRawBufferPointer?, kind: TransactionKind, amount: Int64,
        currency: CurrencyCode, status: LedgerStatus, dayAt: Int64, origin: Origin = .window
    ) {
        let idBytes = UnsafeRawBufferPointer(rebasing: id.prefix(255))
        let bankBytes = bankId.map { UnsafeRawBufferPointer(rebasing: $0.prefix(255)) }
        precondition(arena.count + idBytes.count + (bankBytes?.count ?? 0) < Int(UInt32.max), "ledger arena over 4 GiB")
        let offset = UInt32(arena.count)
        arena.append(contentsOf: idBytes)
        if let bankBytes { arena.append(contentsOf: bankBytes) }
        entries.append(
            Entry(
                hash: KeyHash.hash(idBytes), amount: amount, dayAt: dayAt, offset: offset, idLength: UInt8(idBytes.count),
                bankLength: UInt8(bankBytes?.count ?? 0), status: status, kind: kind, currency: currency, origin: origin,
                paired: false))
        if !index.isEmpty { insert(entries.count - 1) }
    }

    /// Adds a row given as Strings (carried rows, tests, the PostgreSQL reader).
    public mutating func append(
        id: String, bankId: String?, kind: TransactionKind, amount: Int64, currency: String, status: LedgerStatus,
        dayAt: Int64, origin: Origin = .window
    ) {
        var id = id
        var bank = bankId
        id.withUTF8 { idBytes in
            if bank != nil {
                bank!.withUTF8 { bankBytes in
                    append(
                        id: UnsafeRawBufferPointer(idBytes), bankId: UnsafeRawBufferPointer(bankBytes), kind: kind,
                        amount: amount, currency: CurrencyCode(currency), status: status, dayAt: dayAt, origin: origin)
                }
            } else {
                append(
                    id: UnsafeRawBufferPointer(idBytes), bankId: nil, kind: kind, amount: amount,
                    currency: CurrencyCode(currency), status: status, dayAt: dayAt, origin: origin)
            }
        }
    }

    /// Appends every row of `other` (the halves of a ledger read in parallel).
    public mutating func append(contentsOf other: LedgerTable) {
        precondition(arena.count + other.arena.count < Int(UInt32.max), "ledger arena over 4 GiB")
        let base = UInt32(arena.count)
        arena.append(contentsOf: other.arena)
        if entries.capacity < entries.count + other.entries.count {
            entries.reserveCapacity(Swift.max(entries.count + other.entries.count, entries.capacity * 2))
        }
        let first = entries.count
        for var entry in other.entries {
            entry.offset += base
            entries.append(entry)
        }
        if !index.isEmpty {
            for position in first..<entries.count { insert(position) }
        }
    }

    // MARK: - Lookup

    /// Builds the id index, once: rows appended after it are indexed as they come.
    public mutating func buildIndex() {
        if index.isEmpty { rebuildIndex() }
    }

    /// Builds the (empty or partial) index now, sized for `rows`: a reader that knows about how many rows
    /// come indexes each chunk as it arrives, while the store is still reading, instead of all of them once
    /// the read is done.
    public mutating func buildIndex(expecting rows: Int) {
        if index.isEmpty { rebuildIndex(expecting: rows) }
    }

    private mutating func rebuildIndex(expecting rows: Int = 0) {
        var size = 16
        while size < Swift.max(entries.count, rows) * 2 + 16 { size <<= 1 }
        index = [Int32](repeating: -1, count: size)
        mask = size - 1
        for position in entries.indices { insert(position) }
    }

    private mutating func insert(_ position: Int) {
        if entries.count * 2 > index.count {
            rebuildIndex()
            return
        }
        var slot = Int(truncatingIfNeeded: entries[position].hash) & mask
        while index[slot] >= 0 { slot = (slot + 1) & mask }
        index[slot] = Int32(position)
    }

    /// The entry whose id is `id`, if any.
    func find(id: UnsafeRawBufferPointer) -> Int? {
        find(id: id, hash: KeyHash.hash(id), near: nil)
    }

    /// The entry whose id is `id` (its ``KeyHash``: `hash`), trying the entry at `near` first.
    ///
    /// Both sides of a run come in time order — the statement in the bank's, the table in the business
    /// instant's off the index — so a line's row is usually the one after the previous line's row of the same
    /// kind. Checking that entry first touches memory next to the last probe instead of three random cache
    /// lines (index, entry, id bytes) of a table far larger than the cache. A wrong guess costs one compare.
    func find(id: UnsafeRawBufferPointer, hash: UInt64, near: Int?) -> Int? {
        if let near, near < entries.count, entries[near].hash == hash, idEquals(near, id) { return near }
        guard !index.isEmpty else { return nil }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let position = Int(index[slot])
            if position < 0 { return nil }
            if entries[position].hash == hash, idEquals(position, id) { return position }
            slot = (slot + 1) & mask
        }
    }

    /// Whether a row has this id.
    public func contains(id: String) -> Bool { find(id: id) != nil }

    func find(id: String) -> Int? {
        var copy = id
        return copy.withUTF8 { find(id: UnsafeRawBufferPointer($0)) }
    }

    /// For each bank id (the fallback key), the first entry that carries it, if any.
    ///
    /// One pass over the table instead of a second index: the fallback is only for the few lines whose own id
    /// no row has, so hashing every row's bank id once, sequentially, is cheaper than building (and holding)
    /// an index of 2,000,000 bank ids for them.
    func positions(ofBankIds bankIds: [String]) -> [Int?] {
        var wanted: [UInt64: [Int]] = [:]
        for (query, bankId) in bankIds.enumerated() where !bankId.isEmpty {
            wanted[KeyHash.hash(bankId), default: []].append(query)
        }
        var found = [Int?](repeating: nil, count: bankIds.count)
        guard !wanted.isEmpty else { return found }
        var remaining = wanted.values.reduce(0) { $0 + $1.count }
        // A 65,536-bit filter on the hashes' low bits answers "not wanted" for nearly every row without a
        // dictionary lookup.
        var filter = [UInt64](repeating: 0, count: 1024)
        for hash in wanted.keys { filter[Int(hash & 0xFFFF) >> 6] |= 1 << (hash & 63) }
        arena.withUnsafeBytes { all in
            for position in entries.indices where entries[position].bankLength > 0 {
                let bytes = UnsafeRawBufferPointer(rebasing: all[bankRange(position)])
                let hash = KeyHash.hash(bytes)
                guard filter[Int(hash & 0xFFFF) >> 6] & (1 << (hash & 63)) != 0, let queries = wanted[hash] else { continue }
                for query in queries where found[query] == nil {
                    var bankId = bankIds[query]
                    let same = bankId.withUTF8 { $0.count == bytes.count && memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
                    if same {
                        found[query] = position
                        remaining -= 1
                    }
                }
                if remaining == 0 { break }
            }
        }
        return found
    }

    private func idRange(_ position: Int) -> Range<Int> {
        let entry = entries[position]
        return Int(entry.offset)..<Int(entry.offset) + Int(entry.idLength)
    }

    private func bankRange(_ position: Int) -> Range<Int> {
        let entry = entries[position]
        let start = Int(entry.offset) + Int(entry.idLength)
        return start..<start + Int(entry.bankLength)
    }

    private func idEquals(_ position: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let range = idRange(position)
        guard range.count == bytes.count else { return false }
        return arena.withUnsafeBytes { all in
            guard let base = all.baseAddress, let other = bytes.baseAddress else { return range.isEmpty }
            return memcmp(base + range.lowerBound, other, range.count) == 0
        }
    }

    // MARK: - Fields

    /// The row at `position` as values (for reports: only rows that are reported are materialized).
    func fields(_ position: Int) -> LedgerFields {
        let entry = entries[position]
        let id = arena.withUnsafeBytes { String(decoding: $0[idRange(position)], as: UTF8.self) }
        let bank = entry.bankLength == 0
            ? nil : arena.withUnsafeBytes { String(decoding: $0[bankRange(position)], as: UTF8.self) }
        return LedgerFields(
            transactionId: id, bankTransactionId: bank, kind: entry.kind, amount: entry.amount,
            currency: entry.currency.description, status: entry.status, dayAt: entry.dayAt)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
