/// One file of a generated package: its path in the package (placeholders allowed) and its text.
///
/// Placeholders, replaced by ``render(_:)``: `{{id}}`, `{{Module}}`, `{{ENV}}`, `{{Display}}`,
/// `{{MerchantNo}}`, `{{ChannelKitPath}}`, `{{style}}`, `{{StyleSummary}}`.
struct ScaffoldFile: Sendable {
    let path: String
    let text: String
    let executable: Bool

    init(_ path: String, executable: Bool = false, _ text: String) {
        self.path = path
        self.text = text
        self.executable = executable
    }

    /// This file with every placeholder replaced.
    func render(_ values: [String: String]) -> ScaffoldFile {
        ScaffoldFile(Self.fill(path, values), executable: executable, Self.fill(text, values))
    }

    static func fill(_ text: String, _ values: [String: String]) -> String {
        var result = text
        for (name, value) in values { result = result.replacingOccurrences(of: "{{\(name)}}", with: value) }
        return result
    }
}
