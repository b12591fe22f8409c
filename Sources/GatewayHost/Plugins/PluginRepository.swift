import Foundation

/// Finds plugin files: every entry named `*.so` in the plugins directory, in name order (the order decides
/// which file wins when two carry the same plugin id).
struct PluginRepository: Sendable {
    var directory: URL

    func pluginFiles() throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return names.filter { $0.hasSuffix(".so") }.sorted().map { directory.appendingPathComponent($0) }
    }
}
