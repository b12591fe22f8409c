import ChannelKit
import Foundation

/// A ledger row the generator writes (a payment or a refund).
struct GeneratedLedgerRow: Sendable {
    var kind: TransactionKind
    var id: String
    /// For a refund: its payment.
    var paymentId: String?
    var orderId: String
    var bankId: String?
    var amount: Int64
    var currency: String
    /// The stored status: processing, pending, succeeded, declined.
    var status: String
    var notProcessed: Bool
    var createdAt: Int64
    var finishedAt: Int64?
}

/// A statement line the generator writes.
enum GeneratedLine: Sendable {
    case record(
        kind: TransactionKind, id: String, bankId: String, amount: Int64, fee: Int64, currency: String, succeeded: Bool,
        finishedAt: Int64, originalId: String?)
    case garbage(String)
}

/// Where the generator's rows go: the ledger (in batches) and the files.
protocol GeneratedDataSink {
    mutating func ledger(_ row: GeneratedLedgerRow) async throws
    mutating func line(_ line: GeneratedLine) throws
    mutating func finish() async throws
}

/// The generator's deterministic random numbers (SplitMix64).
struct GeneratorRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func amount() -> Int64 { Int64(100 + next() % 499_901) }

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A gateway-style id: prefix, 10 chars of time (ms), 16 random chars — ordered by time like the gateway's.
    mutating func id(_ prefix: String, at ms: Int64) -> String {
        var chars = [UInt8](repeating: 0, count: 26)
        var time = UInt64(max(0, ms))
        for index in stride(from: 9, through: 0, by: -1) {
            chars[index] = Self.alphabet[Int(time & 31)]
            time >>= 5
        }
        var bits = next()
        for index in 10..<26 {
            if index == 23 { bits = next() }
            chars[index] = Self.alphabet[Int(bits & 31)]
            bits >>= 5
        }
        return prefix + String(decoding: chars, as: UTF8.self)
    }
}
