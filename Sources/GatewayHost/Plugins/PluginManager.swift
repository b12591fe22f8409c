import ChannelKit
import Foundation
import Logging

/// Loads every plugin file of the plugins directory, one role at a time (find, open, describe, check,
/// create, validate), and records each file's state. A bad file never stops the others.
struct PluginManager: Sendable {
    var repository: PluginRepository
    var versionCheck = PluginVersionCheck.host
    var factory = PluginFactory()
    var logger: Logger

    /// Loads all plugins. Files are processed in name order; a plugin id already taken refuses the later file.
    func loadAll() -> [PluginRecord] {
        let files: [URL]
        do {
            files = try repository.pluginFiles()
        } catch {
            logger.error("cannot read the plugins directory", metadata: ["dir": "\(repository.directory.path)", "error": "\(error)"])
            return []
        }
        var records: [PluginRecord] = []
        var owners: [String: String] = [:]
        for file in files {
            let record = load(file, takenIds: owners)
            if let manifest = record.manifest { owners[manifest.id] = record.fileName }
            switch record.state {
            case .started(let info, _, let manifest):
                logger.info(
                    "plugin started",
                    metadata: [
                        "file": "\(record.fileName)", "plugin": "\(manifest.id)", "version": "\(manifest.version)",
                        "channelkit": "\(info.channelKitAPI)",
                    ])
            case .failed(let failure, _):
                logger.error(
                    "plugin failed", metadata: ["file": "\(record.fileName)", "code": "\(failure.code.rawValue)", "reason": "\(failure.reason)"])
            default:
                break
            }
            records.append(record)
        }
        return records
    }

    private func load(_ file: URL, takenIds: [String: String]) -> PluginRecord {
        let name = file.lastPathComponent
        var info: PluginBuildInfo?
        do throws(PluginFailure) {
            let library = try PluginLibrary.open(file.path)
            let entry = try library.entryPoint()
            let described = try factory.describe(entry)
            info = described
            try versionCheck.check(described)
            let plugin = try factory.create(entry)
            let manifest = plugin.manifest
            try Self.validate(manifest)
            if let owner = takenIds[manifest.id] {
                throw PluginFailure(
                    .duplicateId, "duplicate plugin id '\(manifest.id)': already loaded from \(owner); this file is refused",
                    pluginId: manifest.id, pluginVersion: manifest.version)
            }
            return PluginRecord(fileName: name, state: .started(described, plugin, manifest))
        } catch {
            return PluginRecord(fileName: name, state: .failed(error, info))
        }
    }

    static func validate(_ manifest: PluginManifest) throws(PluginFailure) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard (1...64).contains(manifest.id.count), manifest.id.allSatisfy({ allowed.contains($0) }) else {
            throw PluginFailure(.invalidManifest, "plugin id '\(manifest.id.prefix(80))' must be 1–64 chars of [a-z0-9-]")
        }
        guard !manifest.version.isEmpty else {
            throw PluginFailure(.invalidManifest, "plugin '\(manifest.id)' has an empty version")
        }
    }
}
