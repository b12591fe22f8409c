/// `name  value` lines, the names padded to one width; fields without a value (nil or empty) are left out.
/// How gatewayctl prints one merchant API object (a payment, a refund).
enum FieldList {
    static func render(_ rows: [(String, String?)]) -> String {
        let shown = rows.compactMap { name, value in value.flatMap { $0.isEmpty ? nil : (name, $0) } }
        let width = shown.map(\.0.count).max() ?? 0
        return shown.map { name, value in
            name + String(repeating: " ", count: width - name.count) + "  " + value
        }.joined(separator: "\n")
    }
}
