import ChannelKit
import Synchronization

/// One built channel: the plugin's channel object, the HTTP transport (connection pool) lent to it, and the
/// configuration it was built from. A config change builds a new instance and publishes it; the old one is
/// retired: it takes no new calls, finishes the ones in flight, then its transport is closed.
///
/// Every use is bracketed by `enter()` / `leave()` (see `PinnedChannel`): a request pins the instance before
/// its first write and keeps it until its bank call has returned, so a swap in between cannot fail it.
final class ChannelInstance: Sendable {
    let channel: any PaymentChannel
    let transport: GatewayHTTPTransport
    let configuration: ChannelConfiguration
    /// Counts the instances built in this process, for logs (`generation` 1 is the one built at start).
    let generation: Int

    private struct State {
        var inFlight = 0
        var retired = false
        var drained: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    init(channel: any PaymentChannel, transport: GatewayHTTPTransport, configuration: ChannelConfiguration, generation: Int) {
        self.channel = channel
        self.transport = transport
        self.configuration = configuration
        self.generation = generation
    }

    /// Takes a use of the instance; false once it is retired (the caller reads the registry again).
    func enter() -> Bool {
        state.withLock { state in
            guard !state.retired else { return false }
            state.inFlight += 1
            return true
        }
    }

    /// Ends a use taken with `enter()`.
    func leave() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.inFlight -= 1
            guard state.retired, state.inFlight == 0 else { return [] }
            defer { state.drained = [] }
            return state.drained
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Calls in flight now.
    var inFlight: Int { state.withLock { $0.inFlight } }

    /// Refuses new uses, waits for the ones in flight, then closes the transport.
    func retire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done: Bool = state.withLock { state in
                state.retired = true
                guard state.inFlight > 0 else { return true }
                state.drained.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        await transport.shutdown()
    }
}

/// A channel entry and its instance, held by one request for its whole life: every step of the request
/// (the bank call, the call window, the bounds) reads this, never the registry again.
struct PinnedChannel: Sendable {
    let entry: ChannelEntry
    let instance: ChannelInstance

    var id: String { entry.id }
    var channel: any PaymentChannel { instance.channel }

    /// Gives the instance back; after the last release a retired instance closes its transport.
    func release() { instance.leave() }
}
