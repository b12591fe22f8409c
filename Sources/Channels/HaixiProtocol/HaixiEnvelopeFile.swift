import Crypto
import Foundation

/// A received Haixi message read from a file in chunks, never whole: the streamed counterpart of
/// ``HaixiEnvelope`` for the 1004 answer, whose base64 `FileContent` is ~344 MB for a 2,000,000-line statement.
///
/// One pass finds the structure by a byte scan (`<Message>`, `<Head>` … `</Head>`, `<Body>` … `</Body>`,
/// `<Signature>`, flat elements), takes SHA-256 of the signed bytes (`<Head>` through `</Body>`, as stored)
/// while it scans, keeps the small element values, and only the byte range of the one large element.
public struct HaixiEnvelopeFile: Sendable {
    /// The range of `<Head>` … `</Body>` in the file.
    public let signedRange: Range<Int64>
    /// The `<Signature>` text.
    public let signature: String
    /// The Head's elements, unescaped.
    public let head: [String: String]
    /// The Body's elements other than the large one, unescaped.
    public let body: [String: String]
    /// The byte range of the large element's (escaped) text, when the Body has it.
    public let largeElementRange: Range<Int64>?
    /// SHA-256 of the signed bytes.
    private let digest: SHA256.Digest

    /// Whether the signature is `verifier`'s key's over the signed bytes.
    public func isSigned(by verifier: HaixiVerifier) -> Bool {
        verifier.isValid(signature: signature, digest: digest)
    }

    /// The largest value of an element other than the large one (and of the signature).
    public static let maximumValueBytes = 64 * 1024

    /// Reads the message in `file`; `largeElement` (`FileContent`) is located, not read.
    /// - Throws: ``HaixiEnvelopeError`` saying what is wrong with the shape (never any value), or where the file
    ///   could not be read.
    public static func read(_ file: URL, largeElement: String, chunkSize: Int = 1 << 20) throws(HaixiEnvelopeError)
        -> HaixiEnvelopeFile
    {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: file)
        } catch {
            throw HaixiEnvelopeError("cannot open the file: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        var scanner = Scanner(largeElement: largeElement)
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: max(4096, chunkSize)) ?? Data()
            } catch {
                throw HaixiEnvelopeError("cannot read the file: \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            let failure: HaixiEnvelopeError? = chunk.withUnsafeBytes { raw in
                do throws(HaixiEnvelopeError) {
                    try scanner.scan(raw.bindMemory(to: UInt8.self))
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
        }
        return try scanner.finish()
    }

    /// Decodes the base64 text at `range` of `file` (the large element) into `destination` (created or
    /// truncated), streaming; returns the number of bytes written.
    /// - Throws: ``HaixiEnvelopeError`` when the text is not base64 or a file cannot be read or written.
    public static func decodeBase64(_ range: Range<Int64>, of file: URL, into destination: URL, chunkSize: Int = 1 << 20)
        throws(HaixiEnvelopeError) -> Int64
    {
        let input: FileHandle
        let output: FileHandle
        do {
            input = try FileHandle(forReadingFrom: file)
        } catch {
            throw HaixiEnvelopeError("cannot open the answer: \(error.localizedDescription)")
        }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: destination.path, contents: nil) else {
            throw HaixiEnvelopeError("cannot create \(destination.lastPathComponent)")
        }
        do {
            output = try FileHandle(forWritingTo: destination)
        } catch {
            throw HaixiEnvelopeError("cannot write \(destination.lastPathComponent): \(error.localizedDescription)")
        }
        defer { try? output.close() }
        var decoder = Base64StreamDecoder()
        var decoded: [UInt8] = []
        decoded.reserveCapacity(chunkSize)
        var written: Int64 = 0
        var offset = range.lowerBound
        do {
            try input.seek(toOffset: UInt64(offset))
            while offset < range.upperBound {
                let count = Int(min(Int64(max(4096, chunkSize)), range.upperBound - offset))
                guard let chunk = try input.read(upToCount: count), chunk.count == count else {
                    throw HaixiEnvelopeError("the answer ends before FileContent does")
                }
                offset += Int64(count)
                decoded.removeAll(keepingCapacity: true)
                let failure: Base64StreamError? = chunk.withUnsafeBytes { raw in
                    do throws(Base64StreamError) {
                        try decoder.decode(buffer: raw.bindMemory(to: UInt8.self), into: &decoded)
                        return nil
                    } catch {
                        return error
                    }
                }
                if let failure { throw HaixiEnvelopeError("FileContent is not base64: \(failure.description)") }
                try output.write(contentsOf: decoded)
                written += Int64(decoded.count)
            }
            do {
                try decoder.finish()
            } catch {
                throw HaixiEnvelopeError("FileContent is not base64: \(error.description)")
            }
            try output.synchronize()
        } catch let error as HaixiEnvelopeError {
            throw error
        } catch {
            throw HaixiEnvelopeError("cannot copy FileContent: \(error.localizedDescription)")
        }
        return written
    }

    /// The scan's state between chunks.
    private struct Scanner {
        enum Part {
            case start, message, head, afterHead, body, afterBody, signature, afterSignature, end
        }

        let largeElement: [UInt8]
        var part = Part.start
        /// Absolute offset of the chunk being scanned.
        var base: Int64 = 0
        var inTag = false
        var tag: [UInt8] = []
        var tagStart: Int64 = 0
        /// The open flat element of the Head or Body, its text so far (not for the large one) and where it began.
        var leaf: [UInt8]?
        var leafText: [UInt8] = []
        var leafStart: Int64 = 0
        var signatureText: [UInt8] = []
        var head: [String: String] = [:]
        var body: [String: String] = [:]
        var largeRange: Range<Int64>?
        var hashStart: Int64?
        var hashEnd: Int64?
        var hashed: Int64 = 0
        var hasher = SHA256()

        init(largeElement: String) {
            self.largeElement = Array(largeElement.utf8)
        }

        mutating func scan(_ chunk: UnsafeBufferPointer<UInt8>) throws(HaixiEnvelopeError) {
            guard let start = chunk.baseAddress else { return }
            var index = 0
            while index < chunk.count {
                if inTag {
                    let rest = chunk.count - index
                    guard let found = memchr(start + index, Int32(UInt8(ascii: ">")), rest) else {
                        tag.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[index...]))
                        try checkTagLength()
                        break
                    }
                    let close = start.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    tag.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[index..<close]))
                    try checkTagLength()
                    inTag = false
                    index = close + 1
                    try handleTag(start: tagStart, end: base + Int64(index))
                } else {
                    let rest = chunk.count - index
                    let found = memchr(start + index, Int32(UInt8(ascii: "<")), rest)
                    let open = found.map { start.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? chunk.count
                    if open > index { try handleText(UnsafeBufferPointer(rebasing: chunk[index..<open])) }
                    guard found != nil else { break }
                    inTag = true
                    tag.removeAll(keepingCapacity: true)
                    tagStart = base + Int64(open)
                    index = open + 1
                }
            }
            hash(chunk)
            base += Int64(chunk.count)
        }

        /// Feeds the part of `chunk` inside the signed range to the hash. The signed range opens with the
        /// literal `<Head>`; when that tag straddled two chunks, its first bytes are fed from the literal.
        mutating func hash(_ chunk: UnsafeBufferPointer<UInt8>) {
            guard let hashStart else { return }
            let chunkEnd = base + Int64(chunk.count)
            let from = max(hashed, hashStart)
            let to = min(hashEnd ?? chunkEnd, chunkEnd)
            guard from < to else { return }
            if from < base {
                let literal = Array("<Head>".utf8)
                hasher.update(data: Array(literal[Int(from - hashStart)..<Int(base - hashStart)]))
            }
            let lower = Int(max(from, base) - base)
            let upper = Int(to - base)
            if lower < upper { hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: chunk[lower..<upper]))) }
            hashed = to
        }

        mutating func checkTagLength() throws(HaixiEnvelopeError) {
            guard tag.count <= 256 else { throw HaixiEnvelopeError("a tag longer than 256 bytes") }
        }

        mutating func handleText(_ text: UnsafeBufferPointer<UInt8>) throws(HaixiEnvelopeError) {
            if let leaf {
                if leaf == largeElement { return }
                leafText.append(contentsOf: text)
                guard leafText.count <= HaixiEnvelopeFile.maximumValueBytes else {
                    throw HaixiEnvelopeError("<\(String(decoding: leaf, as: UTF8.self))> is too long")
                }
                return
            }
            if part == .signature {
                signatureText.append(contentsOf: text)
                guard signatureText.count <= HaixiEnvelopeFile.maximumValueBytes else {
                    throw HaixiEnvelopeError("<Signature> is too long")
                }
                return
            }
            guard text.allSatisfy(Self.isSpace) else { throw HaixiEnvelopeError("text outside an element") }
        }

        mutating func handleTag(start: Int64, end: Int64) throws(HaixiEnvelopeError) {
            let name = tag
            switch part {
            case .start:
                if name.first == UInt8(ascii: "?"), name.last == UInt8(ascii: "?"), start == 0 { return }
                guard name.elementsEqual("Message".utf8) else { throw HaixiEnvelopeError("no <Message>") }
                part = .message
            case .message:
                guard name.elementsEqual("Head".utf8) else { throw HaixiEnvelopeError("<Message> does not begin with <Head>") }
                hashStart = start
                part = .head
            case .head, .body:
                try handleLeafTag(name, start: start, end: end)
            case .afterHead:
                if name.elementsEqual("Body/".utf8) {
                    hashEnd = end
                    part = .afterBody
                } else if name.elementsEqual("Body".utf8) {
                    part = .body
                } else {
                    throw HaixiEnvelopeError("</Head> not followed by <Body>")
                }
            case .afterBody:
                guard name.elementsEqual("Signature".utf8) else {
                    throw HaixiEnvelopeError("</Body> not followed by <Signature>")
                }
                part = .signature
            case .signature:
                guard name.elementsEqual("/Signature".utf8) else { throw HaixiEnvelopeError("<Signature> holds markup") }
                part = .afterSignature
            case .afterSignature:
                guard name.elementsEqual("/Message".utf8) else {
                    throw HaixiEnvelopeError("</Signature> not followed by </Message>")
                }
                part = .end
            case .end:
                throw HaixiEnvelopeError("markup after </Message>")
            }
        }

        mutating func handleLeafTag(_ name: [UInt8], start: Int64, end: Int64) throws(HaixiEnvelopeError) {
            let inHead = part == .head
            if let open = leaf {
                guard name.first == UInt8(ascii: "/"), name.dropFirst().elementsEqual(open) else {
                    throw HaixiEnvelopeError("<\(String(decoding: open, as: UTF8.self))> holds markup or is not closed")
                }
                let key = String(decoding: open, as: UTF8.self)
                if open == largeElement, !inHead {
                    largeRange = leafStart..<start
                } else {
                    guard let value = HaixiText.unescape(leafText) else {
                        throw HaixiEnvelopeError("<\(key)> is not readable text")
                    }
                    if inHead { head[key] = value } else { body[key] = value }
                }
                leaf = nil
                return
            }
            if name.elementsEqual((inHead ? "/Head" : "/Body").utf8) {
                if inHead {
                    part = .afterHead
                } else {
                    hashEnd = end
                    part = .afterBody
                }
                return
            }
            guard !name.isEmpty, name.allSatisfy(Self.isNameByte) else {
                throw HaixiEnvelopeError("an element that is not a plain <Name>")
            }
            let key = String(decoding: name, as: UTF8.self)
            let seen = inHead ? head[key] != nil : (body[key] != nil || (name == largeElement && largeRange != nil))
            guard !seen else { throw HaixiEnvelopeError("<\(key)> is given twice") }
            leaf = name
            leafText.removeAll(keepingCapacity: true)
            leafStart = end
        }

        mutating func finish() throws(HaixiEnvelopeError) -> HaixiEnvelopeFile {
            guard !inTag, part == .end, let hashStart, let hashEnd else {
                throw HaixiEnvelopeError(part == .start ? "no <Message>" : "the message ends before </Message>")
            }
            return HaixiEnvelopeFile(
                signedRange: hashStart..<hashEnd, signature: String(decoding: signatureText, as: UTF8.self), head: head,
                body: body, largeElementRange: largeRange, digest: hasher.finalize())
        }

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        }

        static func isNameByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
    }
}
