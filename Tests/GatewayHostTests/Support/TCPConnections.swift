import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Counts a process's established TCP connections to a port, from /proc (its socket inodes matched against
/// /proc/net/tcp): how a test sees that a transport's connection pool was really closed.
enum TCPConnections {
    static func established(pid: Int32, remotePort: Int) -> Int {
        let fdDirectory = "/proc/\(pid)/fd"
        var inodes: Set<String> = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? [] {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\(name)"),
                target.hasPrefix("socket:[")
            else { continue }
            inodes.insert(String(target.dropFirst(8).dropLast()))
        }
        let port = String(format: "%04X", remotePort)
        var count = 0
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let text = read(table)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 9 else { continue }
                // fields: sl, local, remote, state, tx:rx, tr:when, retrnsmt, uid, timeout, inode
                guard fields[2].hasSuffix(":\(port)"), fields[3] == "01", inodes.contains(String(fields[9])) else { continue }
                count += 1
            }
        }
        return count
    }

    /// The whole of a /proc file (its size reads as 0, and Foundation's readers stop after the first page).
    static func read(_ path: String) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
