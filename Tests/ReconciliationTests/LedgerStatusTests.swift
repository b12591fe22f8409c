import Testing

@testable import Reconciliation

/// The stores read a row's status from its bytes; that must agree with the reading from the word.
@Suite struct LedgerStatusTests {
    @Test func bytesAndWordsAgree() {
        for word in ["processing", "pending", "succeeded", "declined", "refunded", "", "p"] {
            for notProcessed in [false, true] {
                var copy = word
                let fromBytes = copy.withUTF8 { LedgerStatus(storedBytes: UnsafeRawBufferPointer($0), notProcessed: notProcessed) }
                let expected = word == "refunded" || word == "p" || word.isEmpty
                    ? nil : LedgerStatus(stored: word, notProcessed: notProcessed)
                #expect(fromBytes == expected, "\(word) \(notProcessed)")
            }
        }
    }
}
