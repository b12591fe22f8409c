import ChannelKit
import Foundation
import Logging
import ServiceLifecycle

/// Runs the credentials self-check again for channels whose check failed at start, with backoff
/// (5 s doubling to 60 s), and makes a channel ready once its check passes. A bank that was down while the
/// gateway started therefore costs an outage of that channel, not a restart.
struct ChannelSelfCheckService: Service {
    var registry: ChannelRegistry
    var timeout: Duration = .seconds(10)
    var firstDelay: Duration = .seconds(5)
    var maximumDelay: Duration = .seconds(60)
    var logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var delay = firstDelay
            while !Task.isCancelled {
                let pending = registry.channels.values.filter { $0.selfCheckPending && $0.channel != nil }
                if pending.isEmpty {
                    delay = firstDelay
                    try await Task.sleep(for: maximumDelay)
                    continue
                }
                try await Task.sleep(for: delay)
                for entry in pending {
                    guard let channel = entry.channel else { continue }
                    let result = await Self.check(channel, timeout: timeout)
                    // Only if the instance checked is still the one published (a reload may have replaced it).
                    registry.update(entry.id) { if $0.instance === entry.instance { $0.record(result, at: Date()) } }
                    if result.allowsTraffic {
                        logger.notice("channel ready after a repeated self-check", metadata: ["channel": "\(entry.id)", "self_check": "\(result.detail)"])
                    } else {
                        logger.warning("channel self-check still failing", metadata: ["channel": "\(entry.id)", "reason": "\(result.detail)"])
                    }
                }
                delay = min(delay * 2, maximumDelay)
            }
        }
    }

    static func check(_ channel: any PaymentChannel, timeout: Duration) async -> SelfCheckResult {
        await withTaskGroup(of: SelfCheckResult?.self) { group in
            group.addTask { await channel.selfCheck() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failed("the bank did not answer the self-check within \(timeout)")
        }
    }
}
