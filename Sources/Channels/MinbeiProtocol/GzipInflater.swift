import CZlib

/// Gzip decompression as a stream (zlib's `inflate`): bytes go in as they arrive and come out in bounded chunks,
/// so that a statement file is never held whole, compressed or not. Concatenated gzip members are read one after
/// the other, as gzip(1) does. One inflater belongs to one reader.
public final class GzipInflater {
    private var stream = z_stream()
    private var finishedMember = false
    /// The output buffer, reused by every call.
    private var buffer: [UInt8]

    /// `chunk`: the most bytes handed out at once.
    public init(chunk: Int = 64 * 1024) throws(GzipError) {
        buffer = [UInt8](repeating: 0, count: max(1, chunk))
        // 15 + 16: a gzip header and trailer (CRC-32 and size checked), the largest window.
        let status = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw GzipError("inflateInit2 failed (\(status))") }
    }

    deinit {
        inflateEnd(&stream)
    }

    /// Whether the input so far ended exactly at the end of a gzip member (a complete file).
    public var isComplete: Bool { finishedMember }

    /// Decompresses `input`, handing each decompressed piece to `output`; throws on data that is not gzip or is
    /// corrupt (a bad CRC or length included).
    public func inflate(_ input: some Collection<UInt8>, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        var bytes = Array(input)
        guard !bytes.isEmpty else { return }
        // Taken out for the call (no copy) and put back after.
        var buffer: [UInt8] = []
        swap(&buffer, &self.buffer)
        defer { swap(&buffer, &self.buffer) }
        try bytes.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(inputBuffer.count)
            defer {
                stream.next_in = nil
                stream.avail_in = 0
            }
            var more = true
            while more {
                if finishedMember {
                    // Another member follows the one that ended.
                    let reset = inflateReset(&stream)
                    guard reset == Z_OK else { throw GzipError("inflateReset failed (\(reset))") }
                    finishedMember = false
                }
                let (status, produced) = buffer.withUnsafeMutableBufferPointer { outputBuffer in
                    stream.next_out = outputBuffer.baseAddress
                    stream.avail_out = UInt32(outputBuffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, outputBuffer.count - Int(stream.avail_out))
                }
                if produced > 0 {
                    try buffer.withUnsafeBytes { try output(UnsafeRawBufferPointer(rebasing: $0.prefix(produced))) }
                }
                switch status {
                case Z_OK:
                    // Input left, or a full buffer that may have more behind it.
                    more = stream.avail_in > 0 || produced == buffer.count
                case Z_STREAM_END:
                    finishedMember = true
                    more = stream.avail_in > 0
                case Z_BUF_ERROR:
                    // Nothing more to do without more input.
                    more = false
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    throw GzipError("not a valid gzip stream: \(message)")
                }
            }
        }
    }
}

/// Gzip data that cannot be read, or zlib refusing to start.
public struct GzipError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
