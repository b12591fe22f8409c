import ArgumentParser
import GatewayAPI

extension GatewayCtl.Plugins {
    /// `gatewayctl plugins rescan`.
    struct Rescan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the gateway load plugin files added to its plugins directory (POST /admin/plugins/rescan).",
            discussion: """
                Files already loaded are left as they are (a loaded file is never reloaded: give a new version a \
                new file name). \(GatewayCtl.Plugins.exitCodes)
                """
        )

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let answer = try await options.post("/admin/plugins/rescan", body: [])
            if options.json { return options.printJSON(answer) }
            print(PluginChangeText.render(try options.decode(AdminPluginChangeResult.self, from: answer, path: "/admin/plugins/rescan")))
        }
    }
}
