import ArgumentParser
import Foundation
import GatewayAPI

extension GatewayCtl.Plugins {
    /// `gatewayctl plugins use ID VERSION`.
    struct Use: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pin the version of a plugin that serves (a rollback), or --latest to remove the pin.",
            discussion: """
                The pin is kept in the plugins directory (pins.yaml), so a restart serves the same version. The \
                channels of the plugin get new instances on that version, calls in flight finish on the old one. \
                \(GatewayCtl.Plugins.exitCodes)
                """
        )

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The plugin id.")
        var id: String

        @Argument(help: "The version to serve (one that is loaded).")
        var version: String?

        @Flag(help: "Remove the pin: the highest loaded version serves.")
        var latest = false

        func validate() throws {
            guard (version != nil) != latest else { throw ValidationError("give a VERSION or --latest") }
        }

        func run() async throws {
            let path = "/admin/plugins/\(id)/use"
            let body = try JSONEncoder().encode(AdminPluginUse(version: latest ? nil : version))
            let answer = try await options.post(path, body: Array(body))
            if options.json { return options.printJSON(answer) }
            print(PluginChangeText.render(try options.decode(AdminPluginChangeResult.self, from: answer, path: path)))
        }
    }
}
