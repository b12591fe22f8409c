import ArgumentParser

extension GatewayCtl {
    /// `gatewayctl plugins …`: the plugin files, hot install, rescan, and version pins.
    struct Plugins: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List plugin files; install, rescan and pin plugin versions in a running gateway.",
            subcommands: [List.self, Install.self, Rescan.self, Use.self, New.self, Inspect.self],
            defaultSubcommand: List.self
        )

        static let exitCodes = """
            Exit codes: 0 success, 3 gateway unreachable, 4 HTTP error (422 plugin_refused with the loader's \
            reason, 404 plugin_version_not_loaded) or unreadable answer, 5 admin token missing or refused, 64 usage.
            """
    }
}
