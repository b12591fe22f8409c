import Testing

@testable import MinbeiProtocol

@Suite("Gzip streams (zlib): compressed and decompressed in pieces, never whole")
struct GzipTests {
    /// A GBK statement-like text of `lines` lines.
    static func text(lines: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in 0..<lines {
            bytes += GBK.encode("20261201|101500|01|pay_\(index)||\(100_000_000 + index)|12.34|0.05|156|S|茶叶 第\(index)单\n")!
        }
        return bytes
    }

    static func gzip(_ bytes: [UInt8], pieces: Int = 4096) throws -> [UInt8] {
        let deflater = try GzipDeflater()
        var out: [UInt8] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + pieces)
            try deflater.deflate(bytes[start..<end]) { out += $0 }
            start = end
        }
        try deflater.finish { out += $0 }
        return out
    }

    @Test("a round trip in small pieces gives the bytes back; the output never comes in pieces above the chunk")
    func roundTrip() throws {
        let original = Self.text(lines: 5_000)
        let compressed = try Self.gzip(original)
        #expect(compressed.count < original.count / 3)
        #expect(compressed.prefix(2) == [0x1F, 0x8B], "a gzip header")
        for piece in [7, 1000, compressed.count] {
            let inflater = try GzipInflater(chunk: 16 * 1024)
            var out: [UInt8] = []
            var largest = 0
            var start = 0
            while start < compressed.count {
                let end = min(compressed.count, start + piece)
                try inflater.inflate(compressed[start..<end]) { bytes in
                    largest = max(largest, bytes.count)
                    out += bytes
                }
                start = end
            }
            #expect(inflater.isComplete)
            #expect(out == original, "pieces of \(piece)")
            #expect(largest <= 16 * 1024)
        }
    }

    @Test("two concatenated members read as one text; a truncated stream is not complete; corrupt data throws")
    func membersTruncationCorruption() throws {
        let a = Self.text(lines: 10)
        let b = Self.text(lines: 3)
        let both = try Self.gzip(a) + Self.gzip(b)
        let inflater = try GzipInflater()
        var out: [UInt8] = []
        try inflater.inflate(both) { out += $0 }
        #expect(out == a + b && inflater.isComplete)

        let whole = try Self.gzip(a)
        let truncated = try GzipInflater()
        try truncated.inflate(whole.dropLast(6)) { _ in }
        #expect(!truncated.isComplete, "the trailer is missing")

        var corrupt = whole
        corrupt[corrupt.count - 8] ^= 0xFF  // the CRC-32
        let checked = try GzipInflater()
        #expect(throws: GzipError.self) { try checked.inflate(corrupt) { _ in } }
        #expect(throws: GzipError.self) { try GzipInflater().inflate(Array("not gzip at all".utf8)) { _ in } }
    }
}
