import ChannelKit
import Foundation
import Logging

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
        var info: PluginBuildInfo?
        do throws(PluginFailure) {
            let library = try PluginLibrary.open(file.path)
            advance(.loaded)
            let entry = try library.entryPoint()
            let described = try factory.describe(entry)
            info = described
            try versionCheck.check(described)
            advance(.checked(described))
            let plugin = try factory.create(entry)
            let manifest = plugin.manifest
            try Self.validate(manifest)
            if let owner = takenIds["\(manifest.id)@\(manifest.version)"] {
                throw PluginFailure(
                    .duplicateId,
                    "duplicate plugin id '\(manifest.id)' version \(manifest.version): already loaded from \(owner); "
                        + "this file is refused (a new version needs a new version number)",
                    pluginId: manifest.id, pluginVersion: manifest.version)
            }
            advance(.started(described, plugin, manifest))
        } catch {
            advance(.failed(error, info))
        }
        return record
    }

    /// Checks what the gateway relies on in a manifest.
    static func validate(_ manifest: PluginManifest) throws(PluginFailure) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard (1...64).contains(manifest.id.count), manifest.id.allSatisfy({ allowed.contains($0) }) else {
            throw PluginFailure(.invalidManifest, "plugin id '\(manifest.id.prefix(80))' must be 1–64 chars of [a-z0-9-]")
        }
        func refuse(_ reason: String) -> PluginFailure {
            PluginFailure(.invalidManifest, "plugin '\(manifest.id)' \(reason)", pluginId: manifest.id, pluginVersion: manifest.version)
        }
        guard !manifest.version.isEmpty else { throw refuse("has an empty version") }
        guard !manifest.currencies.isEmpty else { throw refuse("declares no currency") }
        var seen: Set<Currency> = []
        for bound in manifest.currencies {
            guard seen.insert(bound.currency).inserted else { throw refuse("declares \(bound.currency.code) twice") }
            guard bound.minimumMinorUnits >= 1, bound.minimumMinorUnits <= bound.maximumMinorUnits else {
                throw refuse("declares impossible bounds \(bound) (need 1 ≤ minimum ≤ maximum)")
            }
        }
        var names: Set<String> = []
        for credential in manifest.credentials {
            guard !credential.name.isEmpty, names.insert(credential.name).inserted else {
                throw refuse("declares the credential '\(credential.name)' twice or with an empty name")
            }
        }
        if let statements = manifest.statements {
            guard statements.timeZone != nil else {
                throw refuse("declares an unknown statement time zone '\(statements.timeZoneIdentifier.prefix(64))'")
            }
            guard statements.availableAfterDayEnd >= .zero else {
                throw refuse("declares a negative statement availability delay")
            }
        }
        if let seconds = manifest.capabilities.notFoundFinalAfterSeconds, seconds < 0 {
            throw refuse("declares a negative not-found finality window")
        }
    }
}
