import Foundation
import Logging

/// Announces the bound listener: one stdout line and, when asked, the ready file (written atomically), both
/// `{"event":"listening","host":"…","port":N}`.
public struct ReadyAnnouncer: Sendable {
    public let host: String
    public let readyFile: String?
    public let logger: Logger

    public init(host: String, readyFile: String?, logger: Logger) {
        self.host = host
        self.readyFile = readyFile
        self.logger = logger
    }

    /// Announces `port`.
    public func announce(port: Int) {
        let line = Self.readyJSON(host: host, port: port)
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        if let readyFile {
            do {
                try Data(line.utf8).write(to: URL(fileURLWithPath: readyFile), options: .atomic)
            } catch {
                logger.error("cannot write ready file", metadata: ["path": "\(readyFile)", "error": "\(error)"])
            }
        }
        logger.info("listening", metadata: ["host": "\(host)", "port": "\(port)"])
    }

    /// The ready JSON, keys in the documented order.
    public static func readyJSON(host: String, port: Int) -> String {
        let encodedHost = (try? JSONEncoder().encode(host)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return #"{"event":"listening","host":\#(encodedHost),"port":\#(port)}"#
    }
}
