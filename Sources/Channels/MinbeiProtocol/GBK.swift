#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// GBK text, the Minbei interface's character set (document v3.1: form posts, responses, notifications and the
/// statement are GBK), converted with the C library's iconv: strict both ways — a character GBK cannot hold,
/// or bytes that are not GBK, give `nil`, never a replacement character.
public enum GBK {
    /// The GBK bytes of `text`, or `nil` when it holds a character outside GBK.
    public static func encode(_ text: String) -> [UInt8]? {
        convert(Array(text.utf8), from: "UTF-8", to: "GBK")
    }

    /// The text of GBK `bytes`, or `nil` when they are not valid GBK.
    public static func decode(_ bytes: some Collection<UInt8>) -> String? {
        convert(Array(bytes), from: "GBK", to: "UTF-8").map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `bytes` have GBK's structure: ASCII, or a lead byte 0x81…0xFE followed by a trail byte 0x40…0x7E or
    /// 0x80…0xFE. Cheaper than ``decode(_:)`` (no conversion), for text that is checked but not read, such as a
    /// statement's remark; a pair GBK leaves unassigned passes this check.
    public static func isWellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            guard byte >= 0x81, byte <= 0xFE, index + 1 < count else { return false }
            let trail = bytes[index + 1]
            guard (trail >= 0x40 && trail <= 0x7E) || (trail >= 0x80 && trail <= 0xFE) else { return false }
            index += 2
        }
        return true
    }

    /// One conversion on its own iconv descriptor (iconv state is not shareable between threads).
    private static func convert(_ input: [UInt8], from source: String, to target: String) -> [UInt8]? {
        if input.isEmpty { return [] }
        // ASCII is the same bytes in GBK and UTF-8: no descriptor needed.
        if input.allSatisfy({ $0 < 0x80 }) { return input }
        let descriptor = iconv_open(target, source)
        guard descriptor != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(descriptor) }
        var input = input
        // UTF-8 → GBK never grows; GBK → UTF-8 grows by at most 3/2.
        var output = [UInt8](repeating: 0, count: input.count * 2)
        let written: Int? = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                var inputPointer = UnsafeMutableRawPointer(inputBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                    as UnsafeMutablePointer<CChar>?
                var inputLeft = inputBuffer.count
                var outputPointer = UnsafeMutableRawPointer(outputBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                    as UnsafeMutablePointer<CChar>?
                var outputLeft = outputBuffer.count
                let result = iconv(descriptor, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                guard result != -1, inputLeft == 0 else { return nil }
                return outputBuffer.count - outputLeft
            }
        }
        guard let written else { return nil }
        return Array(output.prefix(written))
    }
}
