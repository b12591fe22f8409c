/// The `[sim:NAME]` tags of pay subjects and refund reasons: scenario names (``PayScenario``) and fault names
/// (``Fault``). Only known names count; the first known tag in a text (by position) is the one that applies.
enum SimTag {
    /// Every known tag name.
    static let names: Set<String> = Set(PayScenario.tagNames).union(Fault.allCases.map(\.rawValue))

    /// The name of the first known tag in `text`, or `nil` when it has none.
    static func first(in text: String) -> String? {
        var rest = text[...]
        while let open = rest.range(of: "[sim:") {
            let tail = rest[open.upperBound...]
            guard let close = tail.firstIndex(of: "]") else { return nil }
            let name = String(tail[..<close])
            if names.contains(name) { return name }
            rest = rest[open.upperBound...]
        }
        return nil
    }
}
