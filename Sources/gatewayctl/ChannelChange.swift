import ArgumentParser
import Foundation
import GatewayAPI
import GatewayConfig

/// What `channels online|offline|retire` share: ask the running gateway to write and apply the change; only
/// when no gateway answers and `--config-dir` is given, edit the file directly (and say so).
struct ChannelChange: ParsableArguments {
    @OptionGroup var options: GlobalOptions

    @Argument(help: "The channel id.")
    var id: String

    @Option(help: ArgumentHelp("Why (kept, with who and when, as a comment on the changed line).", valueName: "text"))
    var reason: String?

    @Option(
        name: .customLong("config-dir"),
        help: ArgumentHelp(
            "When the gateway is not running: edit the channel's file in this directory directly.", valueName: "dir"))
    var configDirectory: String?

    /// Exit code of a direct edit that was refused (no such channel, a file that cannot be edited).
    static let editRefused = ExitCode(6)

    func run(action: String, key: String, value: Bool) async throws {
        let body = try JSONEncoder().encode(AdminChannelChange(reason: reason))
        let path = "/admin/channels/\(id)/\(action)"
        switch try await options.tryPost(path, body: Array(body)) {
        case .success(let answer):
            if options.json { return options.printJSON(answer) }
            let result = try options.decode(AdminChannelChangeResult.self, from: answer, path: path)
            print(
                "channel \(result.channel.id): online \(result.channel.onlineLabel), state \(result.channel.state.rawValue) "
                    + "(\(result.configFile) written by the gateway, as \(result.changedBy))")
        case .failure(let error):
            guard case .unreachable(let url, let why) = error, let configDirectory else {
                throw GlobalOptions.fail(error)
            }
            try editDirectly(in: configDirectory, key: key, value: value, unreachable: "\(url) (\(why))")
        }
    }

    private func editDirectly(in directory: String, key: String, value: Bool, unreachable: String) throws {
        let directoryURL = URL(fileURLWithPath: directory)
        let who = "gatewayctl:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown")
        do {
            let file = try Self.file(of: id, in: directoryURL)
            let text = try String(contentsOf: file, encoding: .utf8)
            let edited = try ChannelConfigEditor.setting(
                key, to: value, note: ChannelConfigEditor.note(by: who, at: Date(), reason: reason), in: text,
                fileName: file.lastPathComponent)
            try ConfigFileWriter.replace(file, with: edited)
            if options.json {
                let object: [String: Any] = [
                    "channel": id, "config_file": file.lastPathComponent, key: value, "edited_directly": true,
                    "gateway_unreachable": unreachable,
                ]
                Output.printJSON(Array(try JSONSerialization.data(withJSONObject: object)))
            } else {
                print(
                    "gatewayctl: no gateway answers at \(unreachable); edited \(file.path) directly (\(key): \(value)). "
                        + "A gateway started on this directory applies it; a running one within 1 s.")
            }
        } catch let error as ChannelConfigError {
            FileHandle.standardError.write(Data("gatewayctl: \(error.description)\n".utf8))
            throw Self.editRefused
        }
    }

    /// The config file of channel `id` in `directory`.
    static func file(of id: String, in directory: URL) throws(ChannelConfigError) -> URL {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names.filter(ChannelConfigFile.isConfigFileName).sorted() {
            let url = directory.appendingPathComponent(name)
            if let config = try? ChannelConfigFile.load(url, directory: directory), config.id == id { return url }
        }
        throw ChannelConfigError(file: directory.path, key: nil, "no valid config file defines channel '\(id)'")
    }
}

/// The exit codes of the channel change commands, for their help.
enum ChannelChangeHelp {
    static let exitCodes = """
        Exit codes: 0 changed (by the gateway, or directly in --config-dir when no gateway answers), 3 gateway \
        unreachable and no --config-dir, 4 HTTP error (404 unknown_channel, 409 config_file_invalid or \
        config_edit_failed) or unreadable answer, 5 admin token missing or refused, 6 a direct edit was refused \
        (no such channel in --config-dir, or its file cannot be edited in place), 64 usage.
        """
}
