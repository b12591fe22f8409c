import Logging
import ServiceLifecycle

/// Drains and closes channel instances that a reload or a toggle replaced or removed: each finishes the
/// calls in flight on it, then its transport (connection pool) is closed. At shutdown — this service is the
/// first started, so the last stopped, after the listeners and workers — every remaining instance is drained
/// and closed the same way.
struct ChannelLifecycleService: Service {
    var registry: ChannelRegistry
    var logger: Logger

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { [registry] in
                try? await gracefulShutdown()
                registry.finishRetirements()
            }
            for await instance in registry.retirements {
                group.addTask { [logger] in
                    let inFlight = instance.inFlight
                    await instance.retire()
                    logger.info(
                        "replaced channel instance drained and closed",
                        metadata: [
                            "channel": "\(instance.configuration.channelId)", "instance": "\(instance.generation)",
                            "in_flight_at_retirement": "\(inFlight)",
                        ])
                }
            }
            for entry in registry.channels.values {
                guard let instance = entry.instance else { continue }
                group.addTask { await instance.retire() }
            }
        }
    }
}
