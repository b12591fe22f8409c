/// Base64 decoded as it streams (the 1004 answer's `FileContent`: ~344 MB of base64 for a 2,000,000-line
/// statement, never held as one string): text goes in piece by piece, bytes come out; at most three characters
/// are carried between pieces. Strict RFC 4648 alphabet; whitespace (line breaks inside the element) skipped;
/// `=` padding only at the end.
public struct Base64StreamDecoder: Sendable {
    private var quad: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
    private var filled = 0
    private var padding = 0
    private var ended = false
    /// Characters read so far (whitespace excluded), for messages.
    public private(set) var consumed = 0

    public init() {}

    /// Decodes `text`, appending the bytes to `output`.
    public mutating func decode(_ text: some Collection<UInt8>, into output: inout [UInt8]) throws(Base64StreamError) {
        for character in text {
            if character == 0x20 || character == 0x0A || character == 0x0D || character == 0x09 { continue }
            consumed += 1
            if character == UInt8(ascii: "=") {
                guard filled >= 2 else { throw Base64StreamError("'=' at character \(consumed) where data was expected") }
                padding += 1
                store(0)
                if filled == 4 { flush(into: &output) }
                continue
            }
            guard padding == 0, !ended else { throw Base64StreamError("data after the padding at character \(consumed)") }
            guard let value = Self.value(character) else {
                throw Base64StreamError("character \(consumed) is not base64")
            }
            store(value)
            if filled == 4 { flush(into: &output) }
        }
    }

    /// Decodes the bytes of `text` (a chunk read from a file), appending the bytes to `output`: the same as
    /// ``decode(_:into:)``, specialized for a buffer.
    public mutating func decode(buffer text: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) throws(Base64StreamError) {
        try decode(text, into: &output)
    }

    /// Ends the text: throws when it stopped inside a group of four.
    public func finish() throws(Base64StreamError) {
        guard filled == 0 else { throw Base64StreamError("the text ends inside a group of four (\(consumed) characters)") }
    }

    private mutating func store(_ value: UInt8) {
        switch filled {
        case 0: quad.0 = value
        case 1: quad.1 = value
        case 2: quad.2 = value
        default: quad.3 = value
        }
        filled += 1
    }

    private mutating func flush(into output: inout [UInt8]) {
        let (a, b, c, d) = quad
        output.append(a << 2 | b >> 4)
        if padding < 2 { output.append((b & 0x0F) << 4 | c >> 2) }
        if padding < 1 { output.append((c & 0x03) << 6 | d) }
        filled = 0
        if padding > 0 { ended = true }
    }

    private static func value(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}

/// Base64 text that cannot be decoded; says where, never what.
public struct Base64StreamError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
