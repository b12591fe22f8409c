import ArgumentParser
import Foundation
import GatewayConfig

extension GatewayCtl.Config {
    /// `gatewayctl config check DIR`: the gateway's own parsing, without a gateway.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a channel config directory offline, before a deploy (no gateway needed).",
            discussion: """
                Parses every *.yaml / *.yml file as the gateway does (the same library) and reports each error \
                with file, line and key: bad YAML, unknown keys, wrong types, missing keys, two files with one \
                channel id. What needs the plugin (its settings, credentials and currency bounds) is checked when \
                a gateway loads the file.
                Exit codes: 0 every file is valid, 6 one or more files have errors, 64 usage (e.g. no such \
                directory).
                """
        )

        @Argument(help: "The config directory.")
        var directory: String

        @Flag(help: "Print {\"files\": […], \"errors\": […]} as JSON instead of text.")
        var json = false

        func validate() throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("\(directory) is not a directory")
            }
        }

        func run() throws {
            let url = URL(fileURLWithPath: directory)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter(ChannelConfigFile.isConfigFileName).sorted()
            var errors: [ChannelConfigError] = []
            var channels: [String: String] = [:]
            var valid: [[String: Any]] = []
            for name in names {
                do throws(ChannelConfigError) {
                    let config = try ChannelConfigFile.load(url.appendingPathComponent(name), directory: url)
                    if let other = channels[config.id] {
                        throw ChannelConfigError(
                            file: name, key: "id", "channel id '\(config.id)' is already defined in \(other)")
                    }
                    channels[config.id] = name
                    valid.append([
                        "file": name, "channel": config.id, "plugin": config.pluginId, "online": config.online,
                        "retired": config.retired,
                    ])
                } catch {
                    errors.append(error)
                }
            }
            // The routing file, if any: its rules, and channels it names that no file defines (skipped at run time).
            var checked = names.count
            for name in RoutingRules.fileNames.sorted() {
                let file = url.appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: file.path) else { continue }
                checked += 1
                do throws(ChannelConfigError) {
                    let rules = try RoutingRules.parse(contents: String(decoding: data, as: UTF8.self), fileName: name)
                    let unknown = Set(rules.rules.flatMap { $0.channels + $0.split.map(\.channel) }).subtracting(channels.keys)
                    valid.append([
                        "file": name, "routing_rules": rules.rules.count, "unknown_channels": unknown.sorted(),
                    ])
                } catch {
                    errors.append(error)
                }
            }
            if json {
                let object: [String: Any] = [
                    "files": valid,
                    "errors": errors.map { error in
                        var item: [String: Any] = ["file": error.file, "message": error.message]
                        if let key = error.key { item["key"] = key }
                        if let line = error.line { item["line"] = line }
                        return item
                    },
                ]
                Output.printJSON(Array(try JSONSerialization.data(withJSONObject: object)))
            } else {
                for item in valid {
                    if let count = item["routing_rules"] {
                        let unknown = (item["unknown_channels"] as? [String]) ?? []
                        print(
                            "\(item["file"]!): ok (\(count) routing rule(s)"
                                + (unknown.isEmpty ? ")" : "; channels no file defines: \(unknown.joined(separator: ", ")))"))
                    } else {
                        print("\(item["file"]!): ok (channel \(item["channel"]!), plugin \(item["plugin"]!))")
                    }
                }
                for error in errors { print(error.description) }
                print("\(checked) file(s), \(errors.count) error(s)")
            }
            if !errors.isEmpty { throw ExitCode(6) }
        }
    }
}
