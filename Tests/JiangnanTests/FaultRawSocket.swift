import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One HTTP exchange over a plain blocking socket, to see exactly what (if anything) comes back.
enum FaultRawSocket {
    struct Failure: Error { let step: String }

    /// Sends `request` to 127.0.0.1:`port` and reads until the peer closes: the bytes received and the errno of
    /// the read that ended it (0 for an orderly close).
    static func exchange(port: Int, request: String) throws -> (received: Data, errno: Int32) {
        let descriptor = try makeSocket()
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(step: "connect") }
        let bytes = Array(request.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw Failure(step: "write") }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else {
                return (received, count == 0 ? 0 : errno)
            }
        }
    }

    /// A socket bound to a free port of 127.0.0.1 that does not listen: a connection to it is refused, and no
    /// other process can take the port while the socket is open. Close it with `close(_:)`.
    static func refusingPort() throws -> (descriptor: Int32, port: Int) {
        let descriptor = try makeSocket()
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw Failure(step: "bind")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    private static func makeSocket() throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(step: "socket") }
        return descriptor
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
