import ArgumentParser
import Foundation
import GatewayAPI

extension GatewayCtl.Plugins {
    /// `gatewayctl plugins install FILE.so`.
    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install a plugin file into the running gateway's plugins directory and load it.",
            discussion: """
                The gateway copies FILE (on its machine) into its plugins directory under a new name \
                (NAME-<sha256 prefix>.so: a loaded file is never overwritten) by a temporary file and a rename, \
                and loads it. A new plugin id is ready for channel configs at once; a newer version of a loaded \
                id is an upgrade: its channels get new instances on it, calls in flight finish on the old one. A \
                file the loader refuses is reported with its reason and what serves keeps serving. \
                \(GatewayCtl.Plugins.exitCodes)
                """
        )

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The plugin file (.so).")
        var file: String

        func run() async throws {
            let path = URL(fileURLWithPath: file).standardizedFileURL.path
            let body = try JSONEncoder().encode(AdminPluginInstall(path: path))
            let answer = try await options.post("/admin/plugins/install", body: Array(body))
            if options.json { return options.printJSON(answer) }
            let result = try options.decode(AdminPluginChangeResult.self, from: answer, path: "/admin/plugins/install")
            print(PluginChangeText.render(result))
        }
    }
}

/// The text of a plugin change for a person.
enum PluginChangeText {
    static func render(_ result: AdminPluginChangeResult) -> String {
        var lines: [String] = []
        if let installed = result.installed {
            lines.append(
                "installed \(installed.file): \(installed.id ?? "?") \(installed.version ?? "?") (\(installed.state.rawValue))")
        }
        for plugin in result.loaded where plugin.file != result.installed?.file {
            lines.append("loaded \(plugin.file): \(plugin.id ?? "?") \(plugin.version ?? "?") (\(plugin.state.rawValue))")
        }
        for change in result.switched {
            lines.append("plugin \(change.plugin): \(change.from ?? "none") → \(change.to ?? "none"); its channels were rebuilt")
        }
        lines.append(contentsOf: result.problems.map { "problem: \($0)" })
        return lines.isEmpty ? "nothing changed" : lines.joined(separator: "\n")
    }
}
