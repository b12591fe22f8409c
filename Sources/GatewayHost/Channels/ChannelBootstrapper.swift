import ChannelKit
import Foundation
import Logging

/// Turns config files and started plugins into channels: checks each file against its plugin's manifest,
/// resolves credentials, creates the channel with its context and runs its credentials self-check.
/// A bad file stays out with an error naming file and key; the other channels start.
struct ChannelBootstrapper: Sendable {
    var configDirectory: URL
    var publicURL: URL
    var credentials: CredentialResolver
    var transportFactory: @Sendable (ChannelTimeouts) -> any HTTPTransport
    var clock: any ChannelClock = SystemChannelClock()
    var selfCheckTimeout: Duration = .seconds(10)
    var logger: Logger

    func bootstrap(plugins: [PluginRecord]) async -> ChannelRegistry {
        var started: [String: (any ChannelPlugin, PluginManifest)] = [:]
        for record in plugins {
            if let plugin = record.plugin, let manifest = record.manifest { started[manifest.id] = (plugin, manifest) }
        }
        var channels: [String: ChannelEntry] = [:]
        var errors: [ChannelConfigError] = []
        for file in configFiles() {
            do throws(ChannelConfigError) {
                let config = try load(file)
                if let other = channels[config.id] {
                    throw ChannelConfigError(
                        file: config.fileName, key: "id", "channel id '\(config.id)' is already defined in \(other.configFile)")
                }
                guard let (plugin, manifest) = started[config.pluginId] else {
                    let known = started.keys.sorted().joined(separator: ", ")
                    throw ChannelConfigError(
                        file: config.fileName, key: "plugin",
                        "unknown plugin '\(config.pluginId)' (started plugins: \(known.isEmpty ? "none" : known))")
                }
                let configuration = try check(config, against: manifest)
                channels[config.id] = await start(config, configuration, plugin: plugin, manifest: manifest)
            } catch {
                logger.error("channel config refused", metadata: ["file": "\(error.file)", "key": "\(error.key ?? "-")", "reason": "\(error.message)"])
                errors.append(error)
            }
        }
        return ChannelRegistry(channels: channels, plugins: plugins, configErrors: errors)
    }

    private func configFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: configDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { configDirectory.appendingPathComponent($0) }
    }

    private func load(_ url: URL) throws(ChannelConfigError) -> ChannelConfigFile {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ChannelConfigError(file: url.lastPathComponent, key: nil, "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ChannelConfigError(file: url.lastPathComponent, key: nil, "not UTF-8 text")
        }
        return try ChannelConfigFile.parse(contents: text, fileName: url.lastPathComponent, directory: configDirectory)
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
                "unknown setting for plugin '\(manifest.id)' (known: \(knownSettings.sorted().joined(separator: ", ")))")
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
            limits.append(bound)
        }
        let secrets = try credentials.resolve(config.credentials, file: file)
        return ChannelConfiguration(
            channelId: config.id, pluginId: config.pluginId, endpoint: config.endpoint, settings: config.settings,
            credentials: secrets, timeouts: config.timeouts, currencies: limits)
    }

    private func start(
        _ config: ChannelConfigFile, _ configuration: ChannelConfiguration, plugin: any ChannelPlugin,
        manifest: PluginManifest
    ) async -> ChannelEntry {
        var entry = ChannelEntry(
            id: config.id, pluginId: manifest.id, pluginVersion: manifest.version, online: config.online,
            state: .misconfigured, error: nil, configFile: config.fileName, limits: configuration.currencies,
            endpoint: config.endpoint, timeouts: config.timeouts, manifest: manifest, channel: nil)
        var channelLogger = logger
        channelLogger[metadataKey: "channel"] = "\(config.id)"
        let context = ChannelContext(
            configuration: configuration, transport: transportFactory(config.timeouts),
            logger: GatewayChannelLogger(logger: channelLogger), clock: clock,
            notifyURL: publicURL.appendingPathComponent("v1/notify/\(config.id)"))
        let channel: any PaymentChannel
        do {
            channel = try await plugin.makeChannel(context: context)
        } catch {
            entry.error = "the plugin refused the configuration: \(error)"
            logger.error("channel misconfigured", metadata: ["channel": "\(config.id)", "reason": "\(entry.error!)"])
            return entry
        }
        entry.channel = channel
        let check = await ChannelSelfCheckService.check(channel, timeout: selfCheckTimeout)
        entry.record(check, at: Date())
        switch check.status {
        case .passed:
            logger.info("channel ready", metadata: ["channel": "\(config.id)", "online": "\(config.online)", "self_check": "\(check.detail)"])
        case .notChecked:
            logger.notice(
                "channel ready; its credentials were not checked (the plugin has no self-check)",
                metadata: ["channel": "\(config.id)", "online": "\(config.online)", "self_check": "\(check.detail)"])
        case .failed:
            logger.error("channel misconfigured", metadata: ["channel": "\(config.id)", "reason": "\(entry.error ?? "")"])
        }
        return entry
    }
}
