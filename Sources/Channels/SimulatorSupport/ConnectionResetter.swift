import NIOCore

/// Aborts a connection without answering: SO_LINGER {on, 0 s}, then close, so the kernel sends a TCP RST
/// and discards anything unsent. The client sees "connection reset by peer" and no HTTP response at all.
///
/// Done from the route handler (which then returns a response that can no longer be written: Hummingbird
/// drops that write failure quietly) rather than from a pipeline handler, because the simulator then needs no
/// NIO HTTP types.
public enum ConnectionResetter {
    /// Resets `channel` and waits until it is closed.
    public static func reset(_ channel: any Channel) async {
        if let socket = channel as? any SocketOptionProvider {
            // A channel that is not a socket (none here) is merely closed.
            try? await socket.setSoLinger(NIOLinger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close().get()
    }
}
