import ChannelKit
import Foundation
import Logging
import PluginInspection

/// Loads every plugin file of the plugins directory, one role at a time (find, open, describe, check,
/// create, validate), and records each state a file passes. A bad file never stops the others.
struct PluginManager: Sendable {
    var repository: PluginRepository
    var versionCheck = PluginVersionCheck.host
    var factory = PluginFactory()
    var logger: Logger
    /// Told of every state change of every file, as it happens.
    var observe: @Sendable (PluginRecord) -> Void = { _ in }

    /// Loads all plugins, in name order. Several files may carry one plugin id in different versions
    /// (`PluginSelection` picks the one that serves); a file with an id *and version* already loaded is refused.
    func loadAll() -> [PluginRecord] {
        loadNew(known: [])
    }

    /// Loads the files of the directory that are not among `known` (the records so far): a rescan.
    func loadNew(known: [PluginRecord]) -> [PluginRecord] {
        let files: [URL]
        do {
            files = try repository.pluginFiles()
        } catch {
            logger.error("cannot read the plugins directory", metadata: ["dir": "\(repository.directory.path)", "error": "\(error)"])
            return []
        }
        var records: [PluginRecord] = []
        var owners: [String: String] = [:]
        for record in known {
            if let manifest = record.loaded?.manifest { owners["\(manifest.id)@\(manifest.version)"] = record.fileName }
        }
        let seen = Set(known.map(\.fileName))
        for file in files where !seen.contains(file.lastPathComponent) {
            let record = load(file, takenIds: owners)
            if let manifest = record.manifest { owners["\(manifest.id)@\(manifest.version)"] = record.fileName }
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
                    "plugin failed",
                    metadata: [
                        "file": "\(record.fileName)", "after": "\(record.failedAfter?.rawValue ?? "-")",
                        "code": "\(failure.code.rawValue)", "reason": "\(failure.reason)",
                    ])
            default:
                break
            }
            records.append(record)
        }
        return records
    }

    /// Takes one file through every state it can reach. `takenIds`: `id@version` → the file that has it.
    func load(_ file: URL, takenIds: [String: String]) -> PluginRecord {
        var record = PluginRecord(fileName: file.lastPathComponent, state: .discovered)
        observe(record)
        func advance(_ next: PluginState) {
            record.move(to: next)
            observe(record)
        }
        let loader = PluginLoader(versionCheck: versionCheck, factory: factory)
        let outcome = loader.load(file.path) { step in
            switch step {
            case .opened: advance(.loaded)
            case .checked(let info): advance(.checked(info))
            }
        }
        switch outcome {
        case .started(let info, let plugin, let manifest):
            if let owner = takenIds["\(manifest.id)@\(manifest.version)"] {
                let failure = PluginFailure(
                    .duplicateId,
                    "duplicate plugin id '\(manifest.id)' version \(manifest.version): already loaded from \(owner); "
                        + "this file is refused (a new version needs a new version number)",
                    pluginId: manifest.id, pluginVersion: manifest.version)
                advance(.failed(failure, info))
            } else {
                advance(.started(info, plugin, manifest))
            }
        case .failed(let failure, let info):
            advance(.failed(failure, info))
        }
        return record
    }
}
