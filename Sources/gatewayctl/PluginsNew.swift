import ArgumentParser
import Foundation

extension GatewayCtl.Plugins {
    /// `gatewayctl plugins new NAME`: generates a channel plugin package for a partner team.
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a channel plugin package that builds, passes its tests and pays, unchanged.",
            discussion: """
                Writes a SwiftPM package into DIR (default ./NAME; it must not exist or be empty): a plugin and \
                channel for an example bank in the chosen style, that bank's simulator (NAME-sim), an example \
                channel config, conformance tests on ChannelKitTesting, scripts/install-plugin.sh and a README \
                listing every place marked `PARTNER:` to change for your bank. The package depends on ChannelKit \
                by path: --channelkit PATH, else $CHANNELKIT_PATH, else the gateway checkout this gatewayctl was \
                built in (the manifest records the path; CHANNELKIT_PATH overrides it at build time). \
                Walkthrough: docs/PARTNER-GUIDE.md. Exit codes: 0 generated, 1 not generated (the message says \
                why: directory_not_empty, channelkit_not_found, write_failed), 64 usage (invalid_name).
                """)

        @Argument(help: "The plugin id, e.g. acme-bank: lowercase letters and digits in words joined by '-'.")
        var name: String

        @Option(help: ArgumentHelp("Where to write the package (default: ./NAME).", valueName: "dir"))
        var dir: String?

        @Option(help: "The example bank's protocol: json, form or xml.")
        var bankStyle: ScaffoldStyle = .json

        @Option(help: ArgumentHelp("The ChannelKit package to depend on (default: $CHANNELKIT_PATH, else this gatewayctl's checkout).", valueName: "path"))
        var channelkit: String?

        func validate() throws {
            if let problem = ScaffoldNames.problem(with: name) { throw ValidationError(problem) }
        }

        func run() throws {
            do throws(ScaffoldError) {
                let names = try ScaffoldNames(name)
                let kit = try ChannelKitLocator.locate(
                    explicit: channelkit, environment: ProcessInfo.processInfo.environment,
                    executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath())
                let directory = URL(fileURLWithPath: dir ?? name).standardizedFileURL
                let generator = ScaffoldGenerator(names: names, style: bankStyle, channelKit: kit)
                let written = try generator.write(into: directory)
                print("""
                    generated \(names.display) (plugin \(names.id), module \(names.module), \(bankStyle.rawValue) style) in \(directory.path)
                      \(written.count) files; ChannelKit: \(kit.path)
                    next:
                      cd \(directory.path)
                      swift build && swift test                       # the plugin, the simulator, the conformance tests
                      scripts/install-plugin.sh --gatewayctl          # build libAcmeBank.so in release and install it live
                    the places to change for your bank are marked PARTNER: (listed in README.md)
                    """.replacingOccurrences(of: "libAcmeBank.so", with: "lib\(names.module).so"))
            } catch {
                FileHandle.standardError.write(Data("gatewayctl: \(error.description)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
