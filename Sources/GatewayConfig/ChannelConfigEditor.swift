import Foundation

/// Changes one top-level flag (`online:`, `retired:`) of a channel config file in place: only that line
/// changes, so comments, key order and the formatting of every other line are kept. Who changed it, when and
/// why go into a trailing comment on the same line (`online: false  # set by ops-alice at … : bank maintenance`),
/// which the config reference documents. The result is parsed again before it is returned: an edit that
/// would not read back as intended is refused, never written.
public enum ChannelConfigEditor {
    /// Every trailing comment the gateway writes starts with this.
    public static let notePrefix = "# set by "

    /// The note for a change: `set by WHO at TIME[: REASON]` (a reason's line breaks become spaces).
    public static func note(by who: String, at time: Date, reason: String?) -> String {
        var note = "set by \(who) at \(Self.timestamp(time))"
        if let reason = reason?.split(whereSeparator: \.isNewline).joined(separator: " "), !reason.isEmpty {
            note += ": \(reason.prefix(200))"
        }
        return note
    }

    /// `text` with the top-level `key: true|false` line set to `value` and `note` as its trailing comment
    /// (a comment the gateway wrote before is replaced; one a person wrote is kept when `note` is nil). A key
    /// that is absent is added after the `online:` line (or at the end).
    public static func setting(
        _ key: String, to value: Bool, note: String?, in text: String, fileName: String
    ) throws(ChannelConfigError) -> String {
        var lines = text.components(separatedBy: "\n")
        let rendered = { (existingComment: String?) -> String in
            var line = "\(key): \(value)"
            if let note {
                line += "  # \(note)"
            } else if let existingComment, !existingComment.hasPrefix(notePrefix) {
                line += "  \(existingComment)"
            }
            return line
        }
        if let index = lines.firstIndex(where: { topLevelValue(of: key, in: $0) != nil }) {
            let (_, comment) = topLevelValue(of: key, in: lines[index])!
            lines[index] = rendered(comment)
        } else if lines.contains(where: { $0.hasPrefix("\(key):") || $0.hasPrefix("\(key) :") }) {
            throw ChannelConfigError(
                file: fileName, key: key,
                "cannot set '\(key)' in place: its line is not of the form '\(key): true' or '\(key): false'; edit the file by hand")
        } else {
            let after = lines.firstIndex { topLevelValue(of: "online", in: $0) != nil }
            let position = after.map { $0 + 1 } ?? (lines.last == "" ? lines.count - 1 : lines.count)
            lines.insert(rendered(nil), at: position)
        }
        let edited = lines.joined(separator: "\n")
        let parsed = try ChannelConfigFile.parse(
            contents: edited, fileName: fileName, directory: URL(fileURLWithPath: "/"))
        let readBack = key == "online" ? parsed.online : key == "retired" ? parsed.retired : nil
        guard readBack == value else {
            throw ChannelConfigError(file: fileName, key: key, "the edited file does not read back as '\(key): \(value)'")
        }
        return edited
    }

    /// `(value, trailing comment)` when `line` is exactly a top-level `key: true|false [# comment]`.
    static func topLevelValue(of key: String, in line: String) -> (Bool, String?)? {
        guard line.hasPrefix("\(key):") else { return nil }
        var rest = line.dropFirst(key.count + 1).drop { $0 == " " || $0 == "\t" }
        var comment: String?
        if let hash = rest.firstIndex(of: "#") {
            comment = String(rest[hash...])
            rest = rest[..<hash]
        }
        switch rest.trimmingCharacters(in: .whitespaces) {
        case "true": return (true, comment)
        case "false": return (false, comment)
        default: return nil
        }
    }

    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
            c.second ?? 0)
    }
}

extension ChannelConfigEditor {
    /// The notes the gateway wrote on the `online:` and `retired:` lines (`set by … at …: reason`), joined.
    public static func notes(in text: String) -> String? {
        var notes: [String] = []
        for line in text.components(separatedBy: "\n") {
            for key in ["online", "retired"] {
                if let (_, comment) = topLevelValue(of: key, in: line), let comment, comment.hasPrefix(notePrefix) {
                    notes.append("\(key): " + comment.dropFirst(2))
                }
            }
        }
        return notes.isEmpty ? nil : notes.joined(separator: "; ")
    }
}
