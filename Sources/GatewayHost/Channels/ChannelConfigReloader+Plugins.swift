import ChannelKit
import Crypto
import Foundation
import MerchantAuth
import GatewayConfig

/// Plugins, hot: a rescan loads new files of the plugins directory, an install copies a file in safely and
/// loads it, a pin chooses the version that serves. When the serving version of a plugin id changes (an
/// upgrade, a rollback), every channel bound to that id gets a new instance on the new version, swapped in
/// with the same drain as a config change; the old code stays mapped (no dlclose) and shows as `superseded`.
extension ChannelConfigReloader {
    /// What a plugin operation changed.
    struct PluginChange: Sendable {
        /// Files loaded by this operation (with their state: started, superseded or failed).
        var loaded: [PluginRecord] = []
        /// Plugin ids whose serving version changed: id → (before, after).
        var switched: [String: (from: String?, to: String?)] = [:]
        /// Problems with pins (a pinned version that is not loaded).
        var problems: [String] = []
    }

    /// Loads the plugin files that are new since the last scan, then applies the selection.
    func rescanPlugins() async -> PluginChange {
        await exclusively { await rescanExclusively() }
    }

    private func rescanExclusively() async -> PluginChange {
        guard let plugins else { return PluginChange() }
        let known = registry.plugins
        let fresh = plugins.loadNew(known: known)
        var change = await select(known + fresh)
        change.loaded = registry.plugins.filter { record in fresh.contains { $0.fileName == record.fileName } }
        // Config files refused for an unknown plugin may be served now.
        _ = await reloadExclusively(force: true)
        return change
    }

    /// Copies `source` into the plugins directory under a new name (`NAME-<sha256 prefix>.so`: a loaded file
    /// is never overwritten, and the same file twice is the same name), by a temporary file and a rename,
    /// then loads it. A file the loader refuses is reported with its reason; what serves keeps serving.
    func installPlugin(from source: String) async throws -> (PluginRecord, PluginChange) {
        try await exclusively { try await installExclusively(from: source) }
    }

    private func installExclusively(from source: String) async throws -> (PluginRecord, PluginChange) {
        guard plugins != nil else { throw GatewayError(.conflict, "plugins_unavailable", "this gateway loads no plugins") }
        let url = URL(fileURLWithPath: source)
        var isDirectory: ObjCBool = false
        guard source.hasPrefix("/"), FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory),
            !isDirectory.boolValue, let data = FileManager.default.contents(atPath: source)
        else {
            throw GatewayError.invalidRequest("path must be an absolute path to a readable .so file on the gateway's machine")
        }
        guard url.lastPathComponent.hasSuffix(".so") else { throw GatewayError.invalidRequest("a plugin file's name ends in .so") }
        let digest = Hex.encode(SHA256.hash(data: data))
        let stem = String(url.lastPathComponent.dropLast(3))
        let name = "\(stem)-\(digest.prefix(12)).so"
        let target = pluginsDirectory.appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: target.path) {
            do {
                try ConfigFileWriter.replace(target, bytes: [UInt8](data))
            } catch {
                throw GatewayError(.internalServerError, "plugin_install_failed", error.message)
            }
            logger.notice("plugin file installed", metadata: ["file": "\(name)", "from": "\(source)"])
        }
        let change = await rescanExclusively()
        guard let record = registry.plugins.first(where: { $0.fileName == name }) else {
            throw GatewayError(.internalServerError, "plugin_install_failed", "\(name) was written but not found by the rescan")
        }
        if case .failed(let failure, _) = record.state {
            throw GatewayError(
                .unprocessableContent, "plugin_refused",
                "\(name) was refused (\(failure.code.rawValue)): \(failure.reason); the running version keeps serving")
        }
        return (record, change)
    }

    /// Pins plugin `id` to `version` (nil: unpin, the highest serves), persisted in the plugins directory.
    func usePlugin(_ id: String, version: String?) async throws -> PluginChange {
        try await exclusively { try await useExclusively(id, version: version) }
    }

    private func useExclusively(_ id: String, version: String?) async throws -> PluginChange {
        let records = registry.plugins
        if let version {
            guard records.contains(where: { $0.loaded?.manifest.id == id && $0.loaded?.manifest.version == version }) else {
                let loaded = records.compactMap { $0.loaded }.filter { $0.manifest.id == id }.map(\.manifest.version)
                throw GatewayError(
                    .notFound, "plugin_version_not_loaded",
                    "plugin '\(id.prefix(64))' has no loaded version \(version.prefix(32)) (loaded: "
                        + "\(loaded.isEmpty ? "none" : loaded.sorted().joined(separator: ", ")))")
            }
            pins.versions[id] = version
        } else {
            pins.versions[id] = nil
        }
        do {
            try pins.save(to: pluginsDirectory)
        } catch {
            throw GatewayError(.internalServerError, "plugin_pin_failed", error.message)
        }
        logger.notice("plugin pin set", metadata: ["plugin": "\(id)", "version": "\(version ?? "(highest)")"])
        return await select(records)
    }

    var pluginsDirectory: URL { plugins?.repository.directory ?? URL(fileURLWithPath: "/nonexistent") }

    /// Applies the pins to `records`, publishes them, and rebuilds the channels of every plugin id whose
    /// serving version changed.
    private func select(_ records: [PluginRecord]) async -> PluginChange {
        let before = PluginSelection.servingVersions(registry.plugins)
        let (selected, problems) = PluginSelection.apply(pins, to: records)
        registry.setPlugins(selected)
        let after = PluginSelection.servingVersions(selected)
        var change = PluginChange(problems: problems)
        for id in Set(before.keys).union(after.keys) where before[id] != after[id] {
            change.switched[id] = (before[id], after[id])
            logger.notice(
                "plugin version switched", metadata: ["plugin": "\(id)", "from": "\(before[id] ?? "-")", "to": "\(after[id] ?? "-")"])
        }
        await rebind(Set(change.switched.keys))
        return change
    }

    /// Rebuilds the channels bound to `ids` on the plugin versions that now serve.
    private func rebind(_ ids: Set<String>) async {
        guard !ids.isEmpty else { return }
        let started = ChannelBootstrapper.started(registry.plugins)
        for (name, channelId) in owner.sorted(by: { $0.key < $1.key }) {
            guard let entry = registry.channel(channelId), ids.contains(entry.pluginId), let text = seen[name] else { continue }
            _ = await apply(name, text, plugins: started)
        }
    }
}
