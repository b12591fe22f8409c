/// A plugin version as the manifest states it, ordered by semantic versioning (`1.10.0` after `1.9.0`; a
/// pre-release such as `2.0.0-rc.1` before `2.0.0`; build metadata after `+` ignored). A version that is not
/// `MAJOR.MINOR.PATCH…` orders before every one that is, and such versions among themselves by their text.
struct SemanticVersion: Comparable, Sendable, CustomStringConvertible {
    let text: String
    private let numbers: [Int]?
    private let prerelease: [String]

    init(_ text: String) {
        self.text = text
        let withoutBuild = text.split(separator: "+", maxSplits: 1).first.map(String.init) ?? text
        let parts = withoutBuild.split(separator: "-", maxSplits: 1)
        let core = parts.first.map(String.init) ?? ""
        let fields = core.split(separator: ".", omittingEmptySubsequences: false)
        let parsed = fields.map { Int($0) }
        if fields.count == 3, parsed.allSatisfy({ ($0 ?? -1) >= 0 }) {
            numbers = parsed.map { $0! }
        } else {
            numbers = nil
        }
        prerelease = parts.count == 2 ? parts[1].split(separator: ".").map(String.init) : []
    }

    var isValid: Bool { numbers != nil }

    var description: String { text }

    static func == (a: SemanticVersion, b: SemanticVersion) -> Bool { !(a < b) && !(b < a) }

    static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        switch (a.numbers, b.numbers) {
        case (nil, nil): return a.text < b.text
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?):
            if x != y { return x.lexicographicallyPrecedes(y) }
            // A pre-release precedes its release; pre-releases compare field by field (numbers numerically,
            // numbers before words).
            switch (a.prerelease.isEmpty, b.prerelease.isEmpty) {
            case (true, true): return false
            case (true, false): return false
            case (false, true): return true
            case (false, false):
                for (p, q) in zip(a.prerelease, b.prerelease) where p != q {
                    switch (Int(p), Int(q)) {
                    case (let m?, let n?): return m < n
                    case (.some, nil): return true
                    case (nil, .some): return false
                    case (nil, nil): return p < q
                    }
                }
                return a.prerelease.count < b.prerelease.count
            }
        }
    }
}
