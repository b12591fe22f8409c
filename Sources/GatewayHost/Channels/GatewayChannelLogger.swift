import ChannelKit
import Logging

/// Lends a channel the gateway's swift-log logger, tagged with the channel id.
struct GatewayChannelLogger: ChannelLogger {
    var logger: Logger

    func log(_ level: ChannelLogLevel, _ message: String, metadata: [String: String]) {
        let swiftLogLevel: Logger.Level =
            switch level {
            case .debug: .debug
            case .info: .info
            case .warning: .warning
            case .error: .error
            }
        logger.log(
            level: swiftLogLevel, "\(message)",
            metadata: metadata.mapValues { Logger.MetadataValue.string($0) })
    }
}
