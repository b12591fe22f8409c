import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Applies config changes without being asked: reads the config directory every `interval` (a poll, so that
/// every gateway sharing one directory — also over a network filesystem, where inotify sees nothing —
/// picks a change up within the interval; nil: no polling), and on SIGHUP reloads at once, retrying refused
/// files too.
struct ConfigWatcher: Service {
    var reloader: ChannelConfigReloader
    var interval: Duration?
    var logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try? await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    for await _ in hangups {
                        logger.notice("SIGHUP: reloading the config directory")
                        Self.log(await reloader.reload(force: true), logger: logger)
                    }
                }
                guard let interval else { return }
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    Self.log(await reloader.reload(), logger: logger)
                }
            }
        }
    }

    static func log(_ report: ChannelConfigReloader.Report, logger: Logger) {
        guard !report.applied.isEmpty || !report.removed.isEmpty || !report.rejected.isEmpty else { return }
        logger.info(
            "config reloaded",
            metadata: [
                "applied": "\(report.applied.joined(separator: ","))", "removed": "\(report.removed.joined(separator: ","))",
                "rejected": "\(report.rejected.map(\.file).joined(separator: ","))",
            ])
    }
}
