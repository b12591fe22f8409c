import ArgumentParser
import Foundation
import GatewayAPI

extension GatewayCtl.Channels {
    /// `gatewayctl channels list` (also plain `gatewayctl channels`): channels, plugin files and config errors as
    /// the gateway sees them.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List channels, plugin files and config errors (GET /admin/channels).",
            discussion: """
                Prints three tables: CHANNELS (state ready, misconfigured or failed, with the reason, and \
                the credentials self-check: passed, failed or "not checked" when the plugin has no way to \
                check), PLUGINS (every file in the plugins directory, the states it passed — discovered → \
                loaded → checked → started, or failed after one of them — with an error code), and CONFIG \
                ERRORS (channel config files that could not be read). --json prints the admin API's answer \
                instead.
                Exit codes: 0 success and nothing failed, 8 something needs attention (listed under PROBLEMS, \
                on stderr with --json): a plugin file failed to load, a config file was refused, or an online \
                channel is not ready (misconfigured or failed; an offline or retired channel is a decision, not \
                a failure; an open circuit breaker is health, not readiness, and does not count), 3 gateway \
                unreachable, 4 HTTP error or unreadable answer, 5 admin token missing or refused, 64 usage. A \
                deploy script can gate on it: `gatewayctl channels >/dev/null || exit 1`.
                """
        )

        @OptionGroup var options: GlobalOptions

        static let path = "/admin/channels"

        /// The exit code while anything is failed or not ready.
        static let needsAttention = ExitCode(8)

        func run() async throws {
            let body = try await options.fetch(Self.path)
            let response = try options.decode(AdminChannelsResponse.self, from: body, path: Self.path)
            let problems = Self.problems(response)
            if options.json {
                options.printJSON(body)
                for problem in problems { FileHandle.standardError.write(Data("problem: \(problem)\n".utf8)) }
            } else {
                print(Self.render(response))
                if !problems.isEmpty { print((["", "PROBLEMS"] + problems.map { "- \($0)" }).joined(separator: "\n")) }
            }
            if !problems.isEmpty { throw Self.needsAttention }
        }

        /// What a deploy should not go past: failed plugin files, refused config files, online channels that are
        /// not ready.
        static func problems(_ response: AdminChannelsResponse) -> [String] {
            var problems: [String] = []
            for plugin in response.plugins where plugin.state == .failed {
                let code = plugin.errorCode.map { "\($0): " } ?? ""
                problems.append("plugin file \(plugin.file) failed to load (\(code)\(plugin.error ?? "no reason given"))")
            }
            for error in response.configErrors {
                let place = [error.line.map { "line \($0)" }, error.key.map { "key \($0)" }].compactMap { $0 }
                problems.append(
                    "config file \(error.file) was refused\(place.isEmpty ? "" : " (\(place.joined(separator: ", ")))"): "
                        + error.message)
            }
            for channel in response.channels where channel.online && !channel.retired && channel.state != .ready {
                problems.append(
                    "channel \(channel.id) is online but \(channel.state.rawValue)\(channel.error.map { ": \($0)" } ?? "")")
            }
            return problems
        }

        /// The three tables as text.
        static func render(_ response: AdminChannelsResponse) -> String {
            var channels = Table(
                "CHANNEL", "PLUGIN", "VERSION", "ONLINE", "STATE", "SELF-CHECK", "IN-FLIGHT", "HEALTH", "ERROR")
            for channel in response.channels {
                channels.append(
                    channel.id, channel.plugin, channel.pluginVersion, channel.onlineLabel,
                    channel.state.rawValue, channel.selfCheck?.status.label, String(channel.inFlight),
                    channel.breaker?.label, channel.error)
            }
            var plugins = Table("FILE", "ID", "VERSION", "STATE", "STATES", "ERROR")
            for plugin in response.plugins {
                let error = [plugin.errorCode, plugin.error].compactMap { $0 }.joined(separator: ": ")
                let states = plugin.history.map(\.state.rawValue).joined(separator: " → ")
                plugins.append(plugin.file, plugin.id, plugin.version, plugin.state.rawValue, states, error)
            }
            var sections = [
                "CHANNELS", response.channels.isEmpty ? "(no channels configured)" : channels.render(), "",
                "PLUGINS", response.plugins.isEmpty ? "(no plugin files found)" : plugins.render(),
            ]
            if !response.configErrors.isEmpty {
                var errors = Table("FILE", "LINE", "KEY", "MESSAGE")
                for error in response.configErrors {
                    errors.append(error.file, error.line.map(String.init), error.key, error.message)
                }
                sections += ["", "CONFIG ERRORS", errors.render()]
            }
            return sections.joined(separator: "\n")
        }
    }
}

extension AdminChannel {
    /// `yes`, `no`, or `retired` (draining).
    var onlineLabel: String { retired ? "retired" : online ? "yes" : "no" }
}

extension AdminBreaker {
    /// `ok`, `degraded: breaker open since … (reason)`, `half-open (probing)`, `degraded: forced open by …`, ….
    var label: String {
        switch (mode, state) {
        case ("forced_open", _): "degraded: breaker forced open by \(forcedBy ?? "?")" + (forcedReason.map { " (\($0))" } ?? "")
        case ("forced_closed", _): "ok: breaker forced closed by \(forcedBy ?? "?")"
        case (_, "open"): "degraded: breaker open since \(trippedAt ?? "?") (\(reason ?? "failures"))"
        case (_, "half_open"): "degraded: breaker half-open, probing"
        default: consecutiveFailures > 0 ? "ok (\(consecutiveFailures) failures in a row)" : "ok"
        }
    }
}
