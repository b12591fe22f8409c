import Synchronization

/// Unique order ids for one run: `lg-<8 random hex digits>-<counter>`, within the 1–64 `[A-Za-z0-9_-]` both the
/// gateway's `merchant_order_id` and Jiangnan's `out_trade_no` accept. The random part keeps runs against the
/// same gateway or simulator from colliding.
final class OrderIdGenerator: Sendable {
    let prefix: String
    private let counter = Atomic<Int>(0)

    init(runId: String = RandomHex.digits(8)) {
        prefix = "lg-\(runId)-"
    }

    /// The next id.
    func next() -> String {
        let value = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return prefix + String(value)
    }
}

/// Random lowercase hex digits.
enum RandomHex {
    static func digits(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count)
        var bits: UInt64 = 0
        for index in 0..<count {
            if index % 16 == 0 { bits = generator.next() }
            out.append(hex[Int(bits & 0x0f)])
            bits >>= 4
        }
        return String(decoding: out, as: UTF8.self)
    }
}
