import ChannelKit
import Foundation
import GatewayConfig
import Logging

/// Keeps the registry in step with the config directory, one file at a time, and makes the gateway's own
/// edits (`online`, `retired`). All changes go through this actor, so two reloads never interleave.
///
/// Per file whose contents changed since they were last read:
/// - new file: its channel is built (plugin object, transport, self-check) and published;
/// - changed `online`/`retired` only: the flags change on the running instance;
/// - any other change (endpoint, credential, timeout, setting, currencies): a new instance is built and
///   checked, then published in place of the old one, which drains and closes (`ChannelLifecycleService`).
///   A new instance that is not ready (the plugin refused it, the self-check failed) is not swapped in;
/// - an invalid file (bad YAML, unknown key, bad type, refused by the plugin's manifest) is rejected with
///   file, line and key, and the channel keeps running exactly as before;
/// - a deleted file: the channel stops taking payments and is removed (see `ChannelEntry.retired`).
actor ChannelConfigReloader {
    /// What one reload did, per file.
    struct Report: Sendable {
        var applied: [String] = []
        var unchanged: [String] = []
        var removed: [String] = []
        var rejected: [ChannelConfigError] = []
        /// The merchants file: changed by this reload, and its error while it is refused.
        var merchantsChanged = false
        var merchantsError: String?
    }

    let registry: ChannelRegistry
    let bootstrapper: ChannelBootstrapper
    /// The merchants file reloads with the channel configs.
    let merchants: MerchantRegistry?
    /// Loads plugin files on a rescan or an install (`ChannelConfigReloader+Plugins`).
    let plugins: PluginManager?
    /// The pinned plugin versions, as last read or written.
    var pins: PluginPins
    let logger: Logger
    /// The contents last read of each file (applied or refused): a poll acts only on a difference.
    var seen: [String: String] = [:]
    /// Files whose last contents were refused: a forced reload (SIGHUP, `config reload`) tries them again.
    var refused: Set<String> = []
    /// The channel each file defines.
    var owner: [String: String] = [:]

    init(
        registry: ChannelRegistry, bootstrapper: ChannelBootstrapper, merchants: MerchantRegistry? = nil,
        plugins: PluginManager? = nil, pins: PluginPins = PluginPins(), logger: Logger
    ) {
        self.registry = registry
        self.bootstrapper = bootstrapper
        self.merchants = merchants
        self.plugins = plugins
        self.pins = pins
        self.logger = logger
    }

    private var directory: URL { bootstrapper.configDirectory }

    /// Reads the directory and applies what changed. `force`: also retry files whose last contents were
    /// refused (their channel, if any, still runs on the settings before).
    @discardableResult
    func reload(force: Bool = false) async -> Report {
        await exclusively { await reloadExclusively(force: force) }
    }

    // MARK: one operation at a time

    /// An actor is reentrant at every `await`: without this, a poll could run in the middle of an upgrade (while
    /// a new instance is being built) with the plugin versions it read before, and rebuild a channel on the old
    /// version. Every public operation runs alone, in arrival order.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func exclusively<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty {
                busy = false
            } else {
                waiting.removeFirst().resume()
            }
        }
        return try await body()
    }

    func reloadExclusively(force: Bool) async -> Report {
        var report = Report()
        if let merchants {
            report.merchantsChanged = merchants.reload(logger: logger)
            report.merchantsError = merchants.lastError?.description
        }
        let files = bootstrapper.configFiles()
        let names = Set(files.map(\.lastPathComponent))
        // The started plugins, worked out only once a file has changed (a poll usually finds none).
        var plugins: ChannelBootstrapper.StartedPlugins?
        // Files first in name order, so that of two files claiming one id the first keeps it (as at start).
        for url in files {
            let name = url.lastPathComponent
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            guard seen[name] != text || (force && refused.contains(name)) else {
                report.unchanged.append(name)
                continue
            }
            seen[name] = text
            let started = plugins ?? ChannelBootstrapper.started(registry.plugins)
            plugins = started
            switch await apply(name, text, plugins: started) {
            case .success: report.applied.append(name)
            case .failure(let error): report.rejected.append(error)
            }
        }
        reloadRouting(force: force, into: &report)
        for name in seen.keys.sorted() where !names.contains(name) && !RoutingRules.fileNames.contains(name) {
            seen[name] = nil
            refused.remove(name)
            registry.setConfigErrors([], forFiles: [name])
            guard let id = owner.removeValue(forKey: name) else { continue }
            // Never strand what is open on it: it drains like a retired channel (refunds, recovery and
            // notifications keep working) and `ChannelRetirementService` removes it once nothing is open.
            registry.update(id) { entry in
                entry.retired = true
                entry.fileDeleted = true
            }
            report.removed.append(name)
            logger.notice(
                "config file deleted: the channel takes no new payments and is removed once nothing of it is open",
                metadata: ["channel": "\(id)", "file": "\(name)"])
        }
        return report
    }

    /// The routing file (`routing.yaml`): applied whole when it changed; a refused one leaves the rules in force
    /// as they were (and shows as a config error); a deleted one gives the default order back.
    private func reloadRouting(force: Bool, into report: inout Report) {
        for name in RoutingRules.fileNames.sorted() {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                if seen.removeValue(forKey: name) != nil {
                    refused.remove(name)
                    registry.setConfigErrors([], forFiles: [name])
                    registry.setRouting(RoutingRules())
                    report.removed.append(name)
                    logger.notice("routing file deleted: every channel that takes a payment, by id", metadata: ["file": "\(name)"])
                }
                continue
            }
            let text = String(decoding: data, as: UTF8.self)
            guard seen[name] != text || (force && refused.contains(name)) else {
                report.unchanged.append(name)
                continue
            }
            seen[name] = text
            do throws(ChannelConfigError) {
                let rules = try RoutingRules.parse(contents: text, fileName: name)
                registry.setRouting(rules)
                refused.remove(name)
                registry.setConfigErrors([], forFiles: [name])
                report.applied.append(name)
                let known = Set(registry.channels.keys)
                let unknown = Set(rules.rules.flatMap { $0.channels + $0.split.map(\.channel) }).subtracting(known)
                logger.notice("routing rules applied", metadata: ["file": "\(name)", "rules": "\(rules.rules.count)"])
                if !unknown.isEmpty {
                    logger.warning(
                        "routing rules name channels that are not configured (skipped until they are)",
                        metadata: ["channels": "\(unknown.sorted().joined(separator: ", "))"])
                }
            } catch {
                refused.insert(name)
                registry.setConfigErrors([error], forFiles: [name])
                report.rejected.append(error)
                logger.error(
                    "routing file refused; the rules in force stay",
                    metadata: ["file": "\(name)", "line": "\(error.line.map(String.init) ?? "-")", "key": "\(error.key ?? "-")", "reason": "\(error.message)"])
            }
        }
    }

    /// Sets `key` (`online` or `retired`) of channel `id` in its file — only that line changes, with who, when
    /// and why as its comment — writes the file atomically and applies it.
    func set(_ key: String, to value: Bool, channel id: String, by who: String, reason: String?) async throws
        -> ChannelEntry
    {
        try await exclusively { try await setExclusively(key, to: value, channel: id, by: who, reason: reason) }
    }

    private func setExclusively(_ key: String, to value: Bool, channel id: String, by who: String, reason: String?)
        async throws -> ChannelEntry
    {
        guard let name = owner.first(where: { $0.value == id })?.key else {
            throw GatewayError.unknownChannel(id)
        }
        if refused.contains(name) {
            throw GatewayError(
                .conflict, "config_file_invalid",
                "\(name) has an error that is not fixed yet (see GET /admin/channels): fix the file first")
        }
        let url = directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw GatewayError(.conflict, "config_file_missing", "\(name) cannot be read")
        }
        let text = String(decoding: data, as: UTF8.self)
        let edited: String
        do {
            edited = try ChannelConfigEditor.setting(
                key, to: value, note: ChannelConfigEditor.note(by: who, at: Date(), reason: reason), in: text,
                fileName: name)
            try ConfigFileWriter.replace(url, with: edited)
        } catch {
            throw GatewayError(.conflict, "config_edit_failed", error.description)
        }
        seen[name] = edited
        if case .failure(let error) = await apply(name, edited, plugins: ChannelBootstrapper.started(registry.plugins)) {
            throw GatewayError(.conflict, "config_file_invalid", error.description)
        }
        logger.notice(
            "channel \(key) set", metadata: ["channel": "\(id)", "value": "\(value)", "by": "\(who)", "reason": "\(reason ?? "-")"])
        guard let entry = registry.channel(id) else { throw GatewayError.unknownChannel(id) }
        return entry
    }

    func apply(_ name: String, _ text: String, plugins: ChannelBootstrapper.StartedPlugins) async
        -> Result<Void, ChannelConfigError>
    {
        do throws(ChannelConfigError) {
            try await applyOrThrow(name, text, plugins: plugins)
            refused.remove(name)
            registry.setConfigErrors([], forFiles: [name])
            return .success(())
        } catch {
            refused.insert(name)
            registry.setConfigErrors([error], forFiles: [name])
            logger.error(
                "channel config refused",
                metadata: [
                    "file": "\(error.file)", "line": "\(error.line.map(String.init) ?? "-")", "key": "\(error.key ?? "-")",
                    "reason": "\(error.message)",
                    "channel_kept": "\(owner[name].map { registry.channel($0) != nil } ?? false)",
                ])
            return .failure(error)
        }
    }

    private func applyOrThrow(_ name: String, _ text: String, plugins: ChannelBootstrapper.StartedPlugins) async
        throws(ChannelConfigError)
    {
        let config = try ChannelConfigFile.parse(contents: text, fileName: name, directory: directory)
        if let other = owner.first(where: { $0.value == config.id && $0.key != name })?.key {
            throw ChannelConfigError(file: name, key: "id", "channel id '\(config.id)' is already defined in \(other)")
        }
        if let previous = owner[name], previous != config.id {
            throw ChannelConfigError(
                file: name, key: "id",
                "the id of channel '\(previous)' cannot change while it runs (retire it and add a new file instead)")
        }
        let configuration = try bootstrapper.prepare(config, plugins: plugins, files: registry.plugins)
        let plugin = plugins[config.pluginId]!
        let note = ChannelConfigEditor.notes(in: text)
        if let existing = registry.channel(config.id), let instance = existing.instance,
            instance.configuration == configuration, existing.pluginVersion == plugin.manifest.version
        {
            // Only flags (or the gateway's own sections, such as `reconciliation`) changed: the running instance stays.
            registry.update(config.id) { entry in
                entry.online = config.online
                entry.retired = config.retired
                entry.reconciliation = config.reconciliation
                entry.limitSettings = config.limits
                entry.breakerSettings = config.breaker
                entry.fileDeleted = false
                entry.note = note
                entry.configFile = name
            }
            return
        }
        var entry = await bootstrapper.build(config, configuration, plugin: plugin.plugin, manifest: plugin.manifest)
        entry.note = note
        if let existing = registry.channel(config.id), existing.instance != nil, entry.state != .ready {
            if let instance = entry.instance { await instance.retire() }
            throw ChannelConfigError(
                file: name, key: nil,
                "the new settings were not applied, the channel keeps its previous ones: \(entry.error ?? "not ready")")
        }
        owner[name] = config.id
        registry.publish(entry)
    }
}
