import ChannelKit
import Foundation

/// Writes an N-line statement of one business day in a bank's format, streamed to the file.
protocol StatementGenerator {
    /// Writes the file; returns its size in bytes.
    func write(lines: Int, date: BusinessDate, to url: URL) throws -> Int64
}

/// The generated day: deterministic lines (every tenth a refund of the line before, every seventh failed).
struct GeneratedDay {
    struct Line {
        var index: Int
        var isRefund: Bool
        var id: String
        var originalId: String
        var bankId: String
        var amount: Int64
        var fee: Int64
        var succeeded: Bool
        /// Seconds into the business day.
        var second: Int
    }

    let count: Int

    func line(_ index: Int) -> Line {
        let isRefund = index % 10 == 9
        let amount = Int64(100 + (index &* 7_919) % 499_901)
        let succeeded = index % 7 != 3
        return Line(
            index: index, isRefund: isRefund,
            id: isRefund ? "rfd_\(Self.pad(index, 22))" : "pay_\(Self.pad(index, 22))",
            originalId: isRefund ? "pay_\(Self.pad(index - 1, 22))" : "", bankId: Self.pad(index + 1, 20),
            amount: amount, fee: succeeded && !isRefund ? (amount * 10 + 5_000) / 10_000 : 0, succeeded: succeeded,
            second: index * 86_400 / max(count, 1))
    }

    /// The totals of the successful lines.
    func totals() -> (amount: Int64, fee: Int64) {
        var amount: Int64 = 0
        var fee: Int64 = 0
        for index in 0..<count {
            let line = line(index)
            if line.succeeded {
                amount += line.amount
                fee += line.fee
            }
        }
        return (amount, fee)
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// Buffered writes to a new file.
struct FileSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private(set) var written: Int64 = 0

    init(_ url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ValidationFailure("cannot create \(url.path)")
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 20)
    }

    mutating func write(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func close() throws {
        try flush()
        try handle.close()
    }

    private mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        written += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
