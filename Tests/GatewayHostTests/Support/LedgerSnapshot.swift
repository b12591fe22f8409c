/// The rows of the ledger's tables at one moment (`LedgerReader.snapshot()`), comparable, with a readable
/// account of what changed between two of them.
struct LedgerSnapshot: Equatable, Sendable {
    /// Rows as text by table name.
    var tables: [String: [String]]

    /// How many rows `table` held.
    func count(_ table: String) -> Int { tables[table]?.count ?? 0 }

    /// The rows of `table`.
    func rows(_ table: String) -> [String] { tables[table] ?? [] }

    /// Rows added to and removed from each table since `earlier`; empty when nothing changed.
    func changes(since earlier: LedgerSnapshot) -> String {
        var lines: [String] = []
        for table in Set(tables.keys).union(earlier.tables.keys).sorted() {
            let before = earlier.rows(table)
            let after = rows(table)
            for row in after where !before.contains(row) { lines.append("+ \(table): \(row)") }
            for row in before where !after.contains(row) { lines.append("- \(table): \(row)") }
        }
        return lines.joined(separator: "\n")
    }
}
