import Foundation
import GatewayConfig
import Logging
import ServiceLifecycle

/// Finishes retirements: every second it counts the open payments and refunds per channel (in the ledger,
/// so across every gateway sharing it) and
/// - stops a retired channel that has none (its instance drains and its transport closes; the entry stays,
///   `stopped`, until its file says otherwise);
/// - removes a channel whose file was deleted once it has none, and until then reports the deletion as a
///   config error (the channel keeps draining);
/// - reports open transactions of a channel that has no config file at all (after a restart without the
///   file) as a config error, so that ops restore the file (`retired: true` lets it drain).
struct ChannelRetirementService: Service {
    var registry: ChannelRegistry
    var store: any PaymentStore
    var interval: Duration = .seconds(1)
    var logger: Logger

    /// The pseudo file name under which orphaned channels are reported.
    static func orphanFile(_ channelId: String) -> String { "(no file for channel \(channelId))" }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var reported: Set<String> = []
            while !Task.isCancelled {
                do {
                    reported = try await tick(reported: reported)
                } catch {
                    logger.warning("cannot count open transactions per channel", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }

    /// One pass; returns the files it reports errors under now.
    func tick(reported: Set<String>) async throws -> Set<String> {
        let open = try await store.openTransactionsByChannel()
        let channels = registry.channels
        var errors: [ChannelConfigError] = []
        for entry in channels.values where entry.retired {
            if entry.state == .stopped {
                if entry.fileDeleted { registry.remove(entry.id) }
                continue
            }
            let count = open[entry.id] ?? 0
            if count > 0 {
                if entry.fileDeleted {
                    errors.append(
                        ChannelConfigError(
                            file: entry.configFile, key: nil,
                            "deleted while channel '\(entry.id)' has \(count) open transaction(s): it keeps draining "
                                + "(no new payments) and is removed once they are resolved"))
                }
                continue
            }
            if entry.fileDeleted {
                registry.remove(entry.id)
                logger.notice("channel removed: its file is deleted and nothing of it is open", metadata: ["channel": "\(entry.id)"])
            } else {
                registry.stop(entry.id)
                logger.notice("retired channel stopped: nothing of it is open", metadata: ["channel": "\(entry.id)"])
            }
        }
        for (id, count) in open.sorted(by: { $0.key < $1.key }) where channels[id] == nil {
            errors.append(
                ChannelConfigError(
                    file: Self.orphanFile(id), key: nil,
                    "\(count) open transaction(s) on channel '\(id)', which no valid config file defines: they cannot be "
                        + "resolved until its file is back (`retired: true` lets it drain)"))
        }
        // Errors under the files reported last time are replaced (cleared once resolved).
        let files = Set(errors.map(\.file))
        registry.setConfigErrors(errors, forFiles: files.union(reported))
        return files
    }
}
