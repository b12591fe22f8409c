import ArgumentParser
import GatewayAPI

extension GatewayCtl.Plugins {
    /// `gatewayctl plugins list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List plugin files, their versions and states, and which version each channel runs (GET /admin/plugins).",
            discussion: """
                STATE is started (serves), superseded (loaded, but another version of the same id serves: a newer \
                one or a pinned one) or failed with its code. \(GatewayCtl.Plugins.exitCodes)
                """
        )

        @OptionGroup var options: GlobalOptions

        static let path = "/admin/plugins"

        func run() async throws {
            let body = try await options.fetch(Self.path)
            if options.json { return options.printJSON(body) }
            print(Self.render(try options.decode(AdminPluginsResponse.self, from: body, path: Self.path)))
        }

        static func render(_ response: AdminPluginsResponse) -> String {
            var plugins = Table("FILE", "ID", "VERSION", "STATE", "PINNED", "ERROR")
            for plugin in response.plugins {
                let pinned = plugin.id.flatMap { response.pins[$0] } == plugin.version && plugin.version != nil ? "yes" : nil
                let error = [plugin.errorCode, plugin.error].compactMap { $0 }.joined(separator: ": ")
                plugins.append(plugin.file, plugin.id, plugin.version, plugin.state.rawValue, pinned, error)
            }
            var channels = Table("CHANNEL", "PLUGIN", "RUNS VERSION")
            for channel in response.channels {
                channels.append(channel.channel, channel.plugin, channel.version)
            }
            return [
                "PLUGINS", response.plugins.isEmpty ? "(no plugin files found)" : plugins.render(), "",
                "CHANNELS", response.channels.isEmpty ? "(no channels configured)" : channels.render(),
            ].joined(separator: "\n")
        }
    }
}
