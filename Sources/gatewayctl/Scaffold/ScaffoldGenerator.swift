import Foundation

/// Generates a plugin package: picks the templates of a style, fills in the names, and writes the files into
/// a directory that does not exist yet or is empty (nothing is ever overwritten).
struct ScaffoldGenerator {
    let names: ScaffoldNames
    let style: ScaffoldStyle
    /// The ChannelKit package the generated manifest depends on by path.
    let channelKit: URL

    /// The generated files, placeholders filled in.
    var files: [ScaffoldFile] {
        let values = [
            "id": names.id, "Module": names.module, "ENV": names.environment, "Display": names.display,
            "MerchantNo": names.merchantNo, "ChannelKitPath": channelKit.path, "style": style.rawValue,
            "StyleSummary": style.summary.replacingOccurrences(of: "<Module>", with: names.module),
        ]
        return ScaffoldTemplates.files(for: style).map { $0.render(values) }
    }

    /// Writes every file under `directory`; returns the paths written, relative to it. A directory holding
    /// nothing but a `.build` (an earlier generation's build cache) counts as empty.
    @discardableResult
    func write(into directory: URL) throws(ScaffoldError) -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            let entries = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? ["?"]
            guard isDirectory.boolValue, entries.allSatisfy({ $0 == ".build" }) else {
                throw ScaffoldError(
                    "directory_not_empty", "\(directory.path) already exists and is not an empty directory: choose another --dir")
            }
        }
        var written: [String] = []
        do {
            for file in files {
                let url = directory.appendingPathComponent(file.path)
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.text.utf8).write(to: url, options: .withoutOverwriting)
                if file.executable { try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
                written.append(file.path)
            }
        } catch {
            throw ScaffoldError("write_failed", "could not write into \(directory.path): \(error.localizedDescription)")
        }
        return written
    }
}
