import Foundation
import GatewayConfig
import Yams

/// Versions pinned with `gatewayctl plugins use ID VERSION` (a rollback, or holding back an upgrade), kept in
/// `pins.yaml` in the plugins directory so that a restart serves the same versions:
///
///     # Written by the gateway (gatewayctl plugins use); one line per pinned plugin id.
///     pins:
///       versioned-bank: 1.0.0
///
/// Without a pin, the highest version of each plugin id serves.
struct PluginPins: Sendable, Equatable {
    static let fileName = "pins.yaml"

    var versions: [String: String] = [:]

    /// Reads the pins of `directory`; a missing file is no pins, an unreadable one is reported and ignored.
    static func load(from directory: URL) -> (PluginPins, String?) {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return (PluginPins(), nil) }
        guard let text = String(data: data, encoding: .utf8),
            let root = (try? Yams.load(yaml: text)) as? [String: Any],
            let pins = root["pins"] as? [String: Any]
        else {
            return (PluginPins(), "\(fileName) is not a mapping under 'pins' (ignored: the highest versions serve)")
        }
        var versions: [String: String] = [:]
        for (id, version) in pins {
            versions[id] = "\(version)"
        }
        return (PluginPins(versions: versions), nil)
    }

    /// Writes the pins atomically (temp file, fsync, rename).
    func save(to directory: URL) throws(ChannelConfigError) {
        var text = "# Written by the gateway (gatewayctl plugins use ID VERSION); one line per pinned plugin id.\n"
        text += versions.isEmpty ? "pins: {}\n" : "pins:\n"
        for id in versions.keys.sorted() {
            text += "  \(id): \"\(versions[id]!)\"\n"
        }
        try ConfigFileWriter.replace(directory.appendingPathComponent(Self.fileName), with: text)
    }
}
