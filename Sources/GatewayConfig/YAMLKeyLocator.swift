import Yams

/// Finds the line of a key path (`timeouts.request_ms`, `currencies[1]`, `credentials.secret.env`) in a YAML
/// text, so that an error can say where to look. The deepest part of the path that exists is reported: an
/// unknown key's own line, a missing key's parent.
struct YAMLKeyLocator {
    private let root: Node?

    init(_ text: String) {
        root = try? Yams.compose(yaml: text)
    }

    /// The 1-based line, or nil when the text is not YAML or the path's first key is not there.
    func line(of path: String) -> Int? {
        guard var node = root else { return nil }
        var line: Int?
        for part in Self.parts(of: path) {
            switch part {
            case .key(let name):
                guard let mapping = node.mapping,
                    let pair = mapping.first(where: { $0.key.string == name })
                else { return line }
                line = pair.key.mark.map { $0.line }
                node = pair.value
            case .index(let index):
                guard let sequence = node.sequence, index < sequence.count else { return line }
                let element = sequence[sequence.index(sequence.startIndex, offsetBy: index)]
                line = element.mark.map { $0.line } ?? line
                node = element
            }
        }
        return line
    }

    private enum Part { case key(String), index(Int) }

    private static func parts(of path: String) -> [Part] {
        var parts: [Part] = []
        for segment in path.split(separator: ".") {
            var name = Substring(segment)
            var indices: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
                if let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) {
                    indices.insert(index, at: 0)
                }
                name = name[..<open]
            }
            if !name.isEmpty { parts.append(.key(String(name))) }
            parts.append(contentsOf: indices.map { .index($0) })
        }
        return parts
    }
}
