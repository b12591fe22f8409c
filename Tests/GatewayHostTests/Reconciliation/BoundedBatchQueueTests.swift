import Synchronization
import Testing

@testable import GatewayHost

/// The queue between the plugin's parser and the matcher holds at most `capacity` batches, and a batch the
/// consumer has taken is no longer held by the queue (a parsed batch of 8,192 lines is megabytes).
@Suite struct BoundedBatchQueueTests {
    final class Batch: Sendable {
        let number: Int
        init(_ number: Int) { self.number = number }
    }

    final class Weak: @unchecked Sendable {
        weak var batch: Batch?
    }

    @Test func aTakenBatchIsReleasedAndOrderIsKept() async throws {
        let queue = BoundedBatchQueue<Batch>(capacity: 4)
        let producer = Task {
            for number in 0..<200 { await queue.send(Batch(number)) }
            queue.finish()
        }
        var seen: [Int] = []
        var taken: [Weak] = []
        while let batch = try await queue.next() {
            seen.append(batch.number)
            let weak = Weak()
            weak.batch = batch
            taken.append(weak)
        }
        await producer.value
        #expect(seen == Array(0..<200))
        // Nothing the consumer dropped is still referenced by the queue.
        #expect(taken.allSatisfy { $0.batch == nil })
    }

    @Test func theProducerWaitsAtCapacity() async throws {
        let queue = BoundedBatchQueue<Batch>(capacity: 3)
        let sent = Counter()
        let producer = Task {
            for number in 0..<10 {
                await queue.send(Batch(number))
                sent.add()
            }
            queue.finish()
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(sent.value == 3)
        var count = 0
        while try await queue.next() != nil { count += 1 }
        await producer.value
        #expect(count == 10)
        #expect(sent.value == 10)
    }

    @Test func anErrorEndsTheStream() async throws {
        struct Broken: Error {}
        let queue = BoundedBatchQueue<Batch>(capacity: 2)
        await queue.send(Batch(1))
        queue.finish(throwing: Broken())
        #expect(try await queue.next()?.number == 1)
        await #expect(throws: Broken.self) { try await queue.next() }
    }
}

private final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
