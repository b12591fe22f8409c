import ArgumentParser
import Foundation
import PluginInspection

extension GatewayCtl.Plugins {
    /// `gatewayctl plugins inspect FILE.so…`: what the gateway would see in a plugin file, without a gateway.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what the gateway would see in plugin files, and whether it would load them (no gateway needed).",
            discussion: """
                Loads each file the way the gateway does (the same code: dlopen, the channelkit_plugin_entry \
                entry point, its build description, the ChannelKit API and Swift compiler checks, the plugin \
                object and its manifest) and prints the entry string, the SDK and compiler versions next to this \
                gateway's, the manifest (currencies and bounds, settings, credentials, capabilities, statements), \
                and the verdict: loads, or the loader's stable code and reason (no_entry_point, newer_channelkit, \
                channelkit_version_mismatch, compiler_mismatch, channelkit_library for a copy of libChannelKit.so, \
                init_failed, invalid_manifest, not_loadable). A file that cannot be opened is still read for the \
                build description it carries. "This gateway" is the gateway built with this gatewayctl: the \
                same ChannelKit and compiler. A running gateway also refuses a file whose plugin id and version \
                another loaded file already has (duplicate_id), which one file alone cannot show.
                The file is loaded into gatewayctl's own process, as into the gateway's: a plugin whose \
                initializer crashes ends gatewayctl.
                Exit codes: 0 every file would load, 7 one or more would be refused, 66 a file is missing or \
                unreadable, 64 usage.
                """
        )

        @Argument(help: ArgumentHelp("Plugin files (.so).", valueName: "file"))
        var files: [String]

        @Flag(help: "Print a JSON array of reports instead of text.")
        var json = false

        static let refused = ExitCode(7)
        static let unreadable = ExitCode(66)

        func run() throws {
            let inspector = PluginInspector()
            var reports: [PluginInspectionReport] = []
            var missing: [PluginInspector.Unreadable] = []
            for file in files {
                do throws(PluginInspector.Unreadable) {
                    reports.append(try inspector.inspect(file))
                } catch {
                    missing.append(error)
                }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(reports), as: UTF8.self))
            } else {
                print(reports.map(Self.render).joined(separator: "\n\n"))
            }
            for error in missing { FileHandle.standardError.write(Data("error: \(error)\n".utf8)) }
            if !missing.isEmpty { throw Self.unreadable }
            if reports.contains(where: { !$0.loads }) { throw Self.refused }
        }

        /// One report as text.
        static func render(_ report: PluginInspectionReport) -> String {
            var lines: [(String, String)] = [("FILE", "\(report.file) (\(report.bytes) bytes)")]
            if report.definesChannelKit == true { lines.append(("CONTAINS", "ChannelKit's own symbols (defined, not referred to)")) }
            lines.append(("ENTRY POINT", report.entryPoint.map { $0 ? "channelkit_plugin_entry" : "missing" } ?? "not reached"))
            if let build = report.build {
                let source = report.buildSource == "file_bytes" ? " (found in the file's bytes)" : ""
                lines.append(("ENTRY STRING", build.entryString + source))
                lines.append(("CHANNELKIT", "\(build.channelKitAPI) (this gateway: \(report.gateway.channelKitAPI))"))
                lines.append(("SWIFT", "\(build.swiftCompiler) (this gateway: \(report.gateway.swiftCompiler))"))
            } else {
                lines.append(("ENTRY STRING", "none found"))
            }
            if let manifest = report.manifest {
                lines.append(("PLUGIN", "\(manifest.id) \(manifest.version) — \(manifest.displayName)"))
                lines.append((
                    "CURRENCIES",
                    manifest.currencies.map { "\($0.currency) \($0.minimumMinorUnits)…\($0.maximumMinorUnits)" }
                        .joined(separator: ", ")
                ))
                lines.append(("SETTINGS", settingsLabel(manifest)))
                lines.append((
                    "CREDENTIALS",
                    manifest.credentials.isEmpty
                        ? "none"
                        : manifest.credentials.map { credential in
                            credential.name + (credential.required ? "" : " (optional)") + (credential.rotates ? " (rotates)" : "")
                        }.joined(separator: ", ")
                ))
                var capabilities = [
                    manifest.partialRefund ? "partial refunds" : "full refunds only",
                    manifest.notifications ? "notifications" : "no notifications",
                ]
                if let seconds = manifest.notFoundFinalAfterSeconds { capabilities.append("not found is final after \(seconds) s") }
                lines.append(("CAPABILITIES", capabilities.joined(separator: ", ")))
                lines.append((
                    "STATEMENTS",
                    manifest.statements.map {
                        "\($0.format), \($0.timeZone), available \($0.availableAfterSeconds) s after the bank's day ends"
                    } ?? "none"
                ))
            }
            if let failure = report.failure {
                lines.append(("VERDICT", "refused after \(failure.failedAfter): \(failure.code): \(failure.reason)"))
            } else {
                lines.append(("VERDICT", "loads: this gateway would start it"))
            }
            let width = lines.map(\.0.count).max() ?? 0
            return lines.map { $0.0 + String(repeating: " ", count: width - $0.0.count + 2) + $0.1 }.joined(separator: "\n")
        }

        static func settingsLabel(_ manifest: PluginManifestSummary) -> String {
            let required = manifest.requiredSettings.sorted()
            let optional = manifest.optionalSettings.sorted().map { "\($0) (optional)" }
            let all = required + optional
            return all.isEmpty ? "none" : all.joined(separator: ", ")
        }
    }
}
