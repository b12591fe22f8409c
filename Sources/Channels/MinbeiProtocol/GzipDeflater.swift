import CZlib

/// Gzip compression as a stream (zlib's `deflate`), for writing statement files without holding them.
public final class GzipDeflater {
    private var stream = z_stream()
    /// The output buffer, reused by every call.
    private var buffer: [UInt8]

    public init(level: Int32 = 6, chunk: Int = 64 * 1024) throws(GzipError) {
        buffer = [UInt8](repeating: 0, count: max(1, chunk))
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw GzipError("deflateInit2 failed (\(status))") }
    }

    deinit {
        deflateEnd(&stream)
    }

    /// Compresses `input`, handing compressed pieces to `output`.
    public func deflate(_ input: some Collection<UInt8>, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        let bytes = Array(input)
        guard !bytes.isEmpty else { return }
        try run(bytes, flush: Z_NO_FLUSH, output: output)
    }

    /// Ends the stream (the gzip trailer), handing the last pieces to `output`.
    public func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        try run([], flush: Z_FINISH, output: output)
    }

    private func run(_ input: [UInt8], flush: Int32, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        var input = input
        // Taken out for the call (no copy) and put back after.
        var buffer: [UInt8] = []
        swap(&buffer, &self.buffer)
        defer { swap(&buffer, &self.buffer) }
        try input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(inputBuffer.count)
            defer {
                stream.next_in = nil
                stream.avail_in = 0
            }
            while true {
                let (status, produced) = buffer.withUnsafeMutableBufferPointer { outputBuffer in
                    stream.next_out = outputBuffer.baseAddress
                    stream.avail_out = UInt32(outputBuffer.count)
                    let status = CZlib.deflate(&stream, flush)
                    return (status, outputBuffer.count - Int(stream.avail_out))
                }
                if produced > 0 {
                    try buffer.withUnsafeBytes { try output(UnsafeRawBufferPointer(rebasing: $0.prefix(produced))) }
                }
                switch status {
                case Z_STREAM_END:
                    return
                case Z_OK, Z_BUF_ERROR:
                    // More output to take, or (without Z_FINISH) all input consumed.
                    if flush != Z_FINISH, stream.avail_in == 0, stream.avail_out > 0 { return }
                default:
                    throw GzipError("deflate failed (\(status))")
                }
            }
        }
    }
}
