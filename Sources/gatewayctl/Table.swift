/// A plain-text table with left-aligned columns separated by two spaces; the last column is not padded.
struct Table {
    /// Column titles.
    let header: [String]
    /// Rows, each with one cell per column.
    private(set) var rows: [[String]] = []

    init(_ header: String...) {
        self.header = header
    }

    /// Adds a row; `nil` cells print as `-`, line breaks inside a cell as spaces.
    mutating func append(_ cells: String?...) {
        rows.append(cells.map { cell in
            guard let cell, !cell.isEmpty else { return "-" }
            return cell.split(whereSeparator: \.isNewline).joined(separator: " ")
        })
    }

    /// The rendered lines.
    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { column in
                column == row.count - 1 ? row[column] : row[column].padding(toLength: widths[column])
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
