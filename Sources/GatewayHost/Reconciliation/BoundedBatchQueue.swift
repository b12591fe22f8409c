import Synchronization

/// A bounded single-producer, single-consumer queue between two tasks: the plugin's parse on one core and the
/// matcher on the other. `send` waits while `capacity` batches are queued, so a fast parser never holds more
/// than that many batches in memory; `next` waits for a batch, and answers nil after `finish`.
final class BoundedBatchQueue<Element: Sendable>: Sendable {
    private struct State {
        /// At most `capacity` elements: a consumed one is removed at once, so it is freed once its consumer is
        /// done with it (a read index over a longer array kept dozens of parsed batches alive).
        var items: [Element] = []
        var finished: (any Error)?? = nil
        var waitingConsumer: CheckedContinuation<Void, Never>?
        var waitingProducer: CheckedContinuation<Void, Never>?
    }

    private enum Step {
        case element(Element)
        case end((any Error)?)
        case wait
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Queues `element`, waiting while the queue is full.
    func send(_ element: Element) async {
        while true {
            let queued: Bool = state.withLock { state in
                guard state.items.count < capacity else { return false }
                state.items.append(element)
                return true
            }
            if queued {
                state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.waitingConsumer = nil }
                    return state.waitingConsumer
                }?.resume()
                return
            }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.items.count < capacity || state.finished != nil { return true }
                    state.waitingProducer = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            if state.withLock({ $0.finished != nil }) { return }
        }
    }

    /// Ends the stream (with an error, if any) once the queued batches are taken.
    func finish(throwing error: (any Error)? = nil) {
        state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.finished = .some(error)
            defer { state.waitingConsumer = nil; state.waitingProducer = nil }
            return [state.waitingConsumer, state.waitingProducer].compactMap { $0 }
        }.forEach { $0.resume() }
    }

    /// The next batch; nil at the end; throws the producer's error.
    func next() async throws -> Element? {
        while true {
            let step: Step = state.withLock { state in
                if !state.items.isEmpty {
                    return .element(state.items.removeFirst())
                }
                if let finished = state.finished { return .end(finished) }
                return .wait
            }
            switch step {
            case .element(let element):
                state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.waitingProducer = nil }
                    return state.waitingProducer
                }?.resume()
                return element
            case .end(let error):
                if let error { throw error }
                return nil
            case .wait:
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.items.isEmpty || state.finished != nil { return true }
                        state.waitingConsumer = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }
}
