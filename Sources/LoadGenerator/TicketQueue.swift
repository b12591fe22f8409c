import Synchronization

/// A first-in first-out queue of due requests shared by the open loop's workers: the dispatcher pushes a ticket
/// at each intended send time, each worker takes the oldest one when it is free. Requests waiting for a free
/// connection wait here, cheaply, instead of inside the HTTP client's pool (where each one holds a timer, and
/// times out after the connect timeout).
final class TicketQueue<Ticket: Sendable>: Sendable {
    private struct State {
        var tickets: [Ticket] = []
        var head = 0
        var waiters: [CheckedContinuation<Ticket?, Never>] = []
        var finished = false
    }

    private let state = Mutex(State())

    /// Adds a ticket; a waiting worker gets it at once.
    func push(_ ticket: Ticket) {
        state.withLock { state in
            if state.waiters.isEmpty {
                state.tickets.append(ticket)
            } else {
                state.waiters.removeFirst().resume(returning: ticket)
            }
        }
    }

    /// No more tickets: waiting and later `next()` calls get nil once the queue is empty.
    func finish() {
        state.withLock { state in
            state.finished = true
            for waiter in state.waiters { waiter.resume(returning: nil) }
            state.waiters.removeAll()
        }
    }

    /// The oldest ticket, waiting for one when the queue is empty; nil after `finish()` and the last ticket.
    func next() async -> Ticket? {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if state.head < state.tickets.count {
                    continuation.resume(returning: state.tickets[state.head])
                    state.head += 1
                    // Drop the taken prefix now and then, so the array does not grow for the whole run.
                    if state.head >= 1024 && state.head * 2 >= state.tickets.count {
                        state.tickets.removeFirst(state.head)
                        state.head = 0
                    }
                } else if state.finished {
                    continuation.resume(returning: nil)
                } else {
                    state.waiters.append(continuation)
                }
            }
        }
    }
}
