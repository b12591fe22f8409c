/// The `[sim:NAME]` tags of pay subjects and refund reasons: scenario names (``PayScenario``) and fault names
/// (``Fault``). Only known names count. The first scenario tag in a text (by position) picks the scenario and
/// the first fault tag the fault, so that one subject can ask for both (`[sim:insufficient-funds][sim:timeout]`:
/// recorded FAILED, answered late).
public enum SimTag {
    /// Every known tag name.
    public static let names: Set<String> = Set(PayScenario.tagNames).union(Fault.allCases.map(\.rawValue))

    /// The name of the first tag in `text` that is one of `among` (every known tag by default), or `nil`.
    public static func first(in text: String, among known: Set<String> = names) -> String? {
        var rest = text[...]
        while let open = rest.range(of: "[sim:") {
            let tail = rest[open.upperBound...]
            guard let close = tail.firstIndex(of: "]") else { return nil }
            let name = String(tail[..<close])
            if known.contains(name) { return name }
            rest = rest[open.upperBound...]
        }
        return nil
    }
}
