import ChannelKit
import Foundation
import GatewayConfig
import Logging
import PluginInspection
import Synchronization

/// Turns a config file and a started plugin into a channel: checks the file against its plugin's manifest,
/// resolves credentials, creates the channel with its context and transport and runs its credentials
/// self-check. `ChannelConfigReloader` calls it for every file, at start and on each change.
struct ChannelBootstrapper: Sendable {
    var configDirectory: URL
    var publicURL: URL
    var credentials: CredentialResolver
    var clock: any ChannelClock = SystemChannelClock()
    var selfCheckTimeout: Duration = .seconds(10)
    var logger: Logger

    /// A started plugin, by its id.
    typealias StartedPlugins = [String: (plugin: any ChannelPlugin, manifest: PluginManifest)]

    /// Counts instances built in this process (`ChannelInstance.generation`).
    private static let generations = Atomic<Int>(0)

    static func started(_ plugins: [PluginRecord]) -> StartedPlugins {
        var started: StartedPlugins = [:]
        for record in plugins {
            if let plugin = record.plugin, let manifest = record.manifest { started[manifest.id] = (plugin, manifest) }
        }
        return started
    }

    /// The config files of the directory, by name.
    func configFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: configDirectory.path)) ?? []
        return names.filter(ChannelConfigFile.isConfigFileName).sorted()
            .map { configDirectory.appendingPathComponent($0) }
    }

    /// Finds the config's plugin and checks the config against its manifest (see `check`). When no started
    /// plugin has the id, the error points at the plugin files that failed to load (`files`), naming the one
    /// that is this plugin when its id or file name says so.
    func prepare(_ config: ChannelConfigFile, plugins: StartedPlugins, files: [PluginRecord] = [])
        throws(ChannelConfigError) -> ChannelConfiguration
    {
        guard let (_, manifest) = plugins[config.pluginId] else {
            throw ChannelConfigError(
                file: config.fileName, key: "plugin", Self.missingPlugin(config.pluginId, started: plugins, files: files))
        }
        return try check(config, against: manifest)
    }

    /// Why no started plugin has `id`: a file of it that failed (by its manifest's id, or a file name such as
    /// libPartnerBank.so for `partner-bank`), the files that failed when none is recognisably it, or the ids
    /// that did start.
    static func missingPlugin(_ id: String, started: StartedPlugins, files: [PluginRecord]) -> String {
        let failed = files.compactMap { record -> (file: String, failure: PluginFailure)? in
            guard case .failed(let failure, _) = record.state else { return nil }
            return (record.fileName, failure)
        }
        func letters(_ text: String) -> String { String(text.lowercased().filter { $0.isLetter || $0.isNumber }) }
        func stem(_ file: String) -> String {
            var name = Substring(file)
            if name.hasPrefix("lib") { name = name.dropFirst(3) }
            if name.hasSuffix(".so") { name = name.dropLast(3) }
            return letters(String(name))
        }
        let wanted = letters(id)
        let its = failed.filter { $0.failure.pluginId == id || (!wanted.isEmpty && stem($0.file).hasPrefix(wanted)) }
        if !its.isEmpty {
            let causes = its.map { "\($0.file) failed to load (\($0.failure.code.rawValue): \($0.failure.reason))" }
            return "plugin '\(id)' is not started: its file " + causes.joined(separator: "; ")
                + " — fix that file (`gatewayctl plugins inspect FILE` shows why); this channel starts once it loads"
        }
        let known = started.keys.sorted().joined(separator: ", ")
        var message = "unknown plugin '\(id)' (started plugins: \(known.isEmpty ? "none" : known))"
        if !failed.isEmpty {
            message += "; plugin files that failed to load, one of which may be it: "
                + failed.map { "\($0.file) (\($0.failure.code.rawValue))" }.joined(separator: ", ")
        }
        return message
    }

    /// Checks a config against what the plugin declares and resolves its credentials: settings and
    /// credentials known to the manifest (required ones present, `next` values only for rotating ones),
    /// currencies among the manifest's, maxima within its bounds. The result carries the effective bounds.
    func check(_ config: ChannelConfigFile, against manifest: PluginManifest) throws(ChannelConfigError)
        -> ChannelConfiguration
    {
        let file = config.fileName
        let knownSettings = Set(manifest.requiredSettings + manifest.optionalSettings)
        for key in manifest.requiredSettings.sorted() where config.settings[key]?.isEmpty ?? true {
            throw ChannelConfigError(file: file, key: "settings.\(key)", "missing required setting of plugin '\(manifest.id)'")
        }
        for key in config.settings.keys.sorted() where !knownSettings.contains(key) {
            throw ChannelConfigError(
                file: file, key: "settings.\(key)",
                "unknown setting for plugin '\(manifest.id)' (known: \(knownSettings.isEmpty ? "none" : knownSettings.sorted().joined(separator: ", ")))")
        }
        for declaration in manifest.credentials where declaration.isRequired && config.credentials[declaration.name] == nil {
            throw ChannelConfigError(
                file: file, key: "credentials.\(declaration.name)", "missing required credential of plugin '\(manifest.id)'")
        }
        for key in config.credentials.keys.sorted() {
            guard let declaration = manifest.credential(key) else {
                let known = manifest.credentials.map(\.name).sorted().joined(separator: ", ")
                throw ChannelConfigError(
                    file: file, key: "credentials.\(key)",
                    "unknown credential for plugin '\(manifest.id)' (known: \(known.isEmpty ? "none" : known))")
            }
            if config.credentials[key]?.next != nil, !declaration.rotates {
                throw ChannelConfigError(
                    file: file, key: "credentials.\(key).next",
                    "plugin '\(manifest.id)' does not rotate credential '\(key)': give only its current value")
            }
        }
        var limits: [CurrencyBound] = []
        for (index, currency) in config.currencies.enumerated() {
            guard var bound = manifest.currencies.bound(for: currency) else {
                throw ChannelConfigError(
                    file: file, key: "currencies[\(index)]", "plugin '\(manifest.id)' does not support \(currency.code)")
            }
            if let maximum = config.maximumAmount?.value(for: currency) {
                guard maximum <= bound.maximumMinorUnits else {
                    throw ChannelConfigError(
                        file: file, key: "max_amount",
                        "\(maximum) exceeds the bank's maximum of \(bound.maximumMinorUnits) minor units of \(currency.code)")
                }
                guard maximum >= bound.minimumMinorUnits else {
                    throw ChannelConfigError(
                        file: file, key: "max_amount",
                        "\(maximum) is below the bank's minimum of \(bound.minimumMinorUnits) minor units of \(currency.code)")
                }
                bound.maximumMinorUnits = maximum
            }
            if let minimum = config.minimumAmount?.value(for: currency) {
                guard minimum <= bound.maximumMinorUnits else {
                    throw ChannelConfigError(
                        file: file, key: "min_amount",
                        "\(minimum) exceeds the channel's maximum of \(bound.maximumMinorUnits) minor units of \(currency.code)")
                }
                bound.minimumMinorUnits = max(bound.minimumMinorUnits, minimum)
            }
            limits.append(bound)
        }
        let secrets = try credentials.resolve(config.credentials, file: file)
        return ChannelConfiguration(
            channelId: config.id, pluginId: config.pluginId, endpoint: config.endpoint, settings: config.settings,
            credentials: secrets, timeouts: config.timeouts, currencies: limits)
    }

    /// Builds a channel: a transport of its own, the plugin's channel object, its credentials self-check.
    /// The entry is ready, or misconfigured with the reason (its instance, if created, is kept so that the
    /// self-check service can try again).
    func build(
        _ config: ChannelConfigFile, _ configuration: ChannelConfiguration, plugin: any ChannelPlugin,
        manifest: PluginManifest
    ) async -> ChannelEntry {
        var entry = ChannelEntry(
            id: config.id, pluginId: manifest.id, pluginVersion: manifest.version, online: config.online,
            retired: config.retired, note: nil, state: .misconfigured, error: nil, configFile: config.fileName,
            limits: configuration.currencies, endpoint: config.endpoint, timeouts: config.timeouts, manifest: manifest,
            instance: nil)
        entry.reconciliation = config.reconciliation
        entry.limitSettings = config.limits
        entry.breakerSettings = config.breaker
        var channelLogger = logger
        channelLogger[metadataKey: "channel"] = "\(config.id)"
        let transport = GatewayHTTPTransport(timeouts: config.timeouts)
        let context = ChannelContext(
            configuration: configuration, transport: transport,
            logger: GatewayChannelLogger(logger: channelLogger), clock: clock,
            notifyURL: publicURL.appendingPathComponent("v1/notify/\(config.id)"))
        let channel: any PaymentChannel
        do {
            channel = try await plugin.makeChannel(context: context)
        } catch {
            await transport.shutdown()
            entry.error = "the plugin refused the configuration: \(error)"
            logger.error("channel misconfigured", metadata: ["channel": "\(config.id)", "reason": "\(entry.error!)"])
            return entry
        }
        let generation = Self.generations.add(1, ordering: .relaxed).newValue
        entry.instance = ChannelInstance(
            channel: channel, transport: transport, configuration: configuration, generation: generation)
        let check = await ChannelSelfCheckService.check(channel, timeout: selfCheckTimeout)
        entry.record(check, at: Date())
        let metadata: Logger.Metadata = [
            "channel": "\(config.id)", "online": "\(config.online)", "self_check": "\(check.detail)",
            "plugin_version": "\(manifest.version)", "instance": "\(generation)",
        ]
        switch check.status {
        case .passed:
            logger.info("channel ready", metadata: metadata)
        case .notChecked:
            logger.notice("channel ready; its credentials were not checked (the plugin has no self-check)", metadata: metadata)
        case .failed:
            logger.error("channel misconfigured", metadata: ["channel": "\(config.id)", "reason": "\(entry.error ?? "")"])
        }
        return entry
    }
}
