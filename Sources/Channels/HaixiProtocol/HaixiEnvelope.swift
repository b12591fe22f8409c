/// A received Haixi message read by a byte scan, never re-serialized: where the signed bytes (`<Head>` through
/// `</Body>`) are in the message as received (whitespace between the envelope's elements is allowed, and inside
/// the signed part is signed), the `<Signature>` text, and the flat elements of `Head` and `Body`
/// with the byte range of each value — so that a huge value (the 1004 answer's base64 `FileContent`) can be
/// read from the bytes in place instead of as one string.
public struct HaixiEnvelope: Sendable {
    public struct Element: Sendable, Equatable {
        public var name: String
        /// The escaped character data's range in the message bytes.
        public var range: Range<Int>
    }

    /// The range of `<Head>` … `</Body>` in the message.
    public let signedRange: Range<Int>
    public let signature: String
    public let head: [Element]
    public let body: [Element]

    /// Reads `bytes`; the error says what is wrong (never any of the message's values).
    public static func parse(_ bytes: [UInt8]) -> Result<HaixiEnvelope, HaixiEnvelopeError> {
        guard let message = find("<Message>", in: bytes, from: 0) else { return .failure(.init("no <Message>")) }
        let prefix = bytes[..<message]
        guard prefix.allSatisfy(isSpace) || startsWithProlog(bytes) else { return .failure(.init("text before <Message>")) }
        let headStart = skipSpace(bytes, from: message + 9)
        guard matches("<Head>", in: bytes, at: headStart) else { return .failure(.init("<Message> does not begin with <Head>")) }
        guard let headEnd = find("</Head>", in: bytes, from: headStart) else { return .failure(.init("no </Head>")) }
        let bodyOpen = skipSpace(bytes, from: headEnd + 7)
        let emptyBody = matches("<Body/>", in: bytes, at: bodyOpen)
        guard emptyBody || matches("<Body>", in: bytes, at: bodyOpen) else { return .failure(.init("</Head> not followed by <Body>")) }
        let bodyEnd: Int
        let signedEnd: Int
        if emptyBody {
            bodyEnd = bodyOpen
            signedEnd = bodyOpen + 7
        } else {
            guard let end = find("</Body>", in: bytes, from: bodyOpen + 6) else { return .failure(.init("no </Body>")) }
            bodyEnd = end
            signedEnd = end + 7
        }
        let signatureOpen = skipSpace(bytes, from: signedEnd)
        guard matches("<Signature>", in: bytes, at: signatureOpen),
            let signatureEnd = find("</Signature>", in: bytes, from: signatureOpen + 11)
        else { return .failure(.init("</Body> not followed by <Signature>")) }
        let close = skipSpace(bytes, from: signatureEnd + 12)
        guard matches("</Message>", in: bytes, at: close), bytes[(close + 10)...].allSatisfy(isSpace) else {
            return .failure(.init("</Signature> not followed by </Message> at the end"))
        }
        let head: [Element]
        let body: [Element]
        switch elements(bytes, headStart + 6..<headEnd) {
        case .success(let found): head = found
        case .failure(let error): return .failure(error)
        }
        switch emptyBody ? .success([]) : elements(bytes, bodyOpen + 6..<bodyEnd) {
        case .success(let found): body = found
        case .failure(let error): return .failure(error)
        }
        let signature = String(decoding: bytes[(signatureOpen + 11)..<signatureEnd], as: UTF8.self)
        return .success(
            HaixiEnvelope(signedRange: headStart..<signedEnd, signature: signature, head: head, body: body))
    }

    /// The unescaped value of a head element.
    public func head(_ name: String, in bytes: [UInt8]) -> String? {
        head.first { $0.name == name }.flatMap { HaixiText.unescape(bytes[$0.range]) }
    }

    /// The unescaped value of a body element.
    public func body(_ name: String, in bytes: [UInt8]) -> String? {
        body.first { $0.name == name }.flatMap { HaixiText.unescape(bytes[$0.range]) }
    }

    /// Flat elements `<Name>text</Name>`, whitespace between them allowed, each name once.
    private static func elements(_ bytes: [UInt8], _ range: Range<Int>) -> Result<[Element], HaixiEnvelopeError> {
        var found: [Element] = []
        var names: Set<String> = []
        var index = range.lowerBound
        while index < range.upperBound {
            if isSpace(bytes[index]) {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "<"),
                let close = bytes[index..<range.upperBound].firstIndex(of: UInt8(ascii: ">"))
            else { return .failure(.init("text outside an element")) }
            let nameBytes = bytes[(index + 1)..<close]
            guard !nameBytes.isEmpty, nameBytes.allSatisfy(isNameByte) else {
                return .failure(.init("an element that is not a plain <Name>"))
            }
            let name = String(decoding: nameBytes, as: UTF8.self)
            let valueStart = close + 1
            guard let end = find("</\(name)>", in: bytes, from: valueStart), end < range.upperBound else {
                return .failure(.init("<\(name)> is not closed"))
            }
            guard !bytes[valueStart..<end].contains(UInt8(ascii: "<")) else {
                return .failure(.init("<\(name)> holds markup"))
            }
            guard names.insert(name).inserted else { return .failure(.init("<\(name)> is given twice")) }
            found.append(Element(name: name, range: valueStart..<end))
            index = end + name.utf8.count + 3
        }
        return .success(found)
    }

    private static func skipSpace(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        return index
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func startsWithProlog(_ bytes: [UInt8]) -> Bool {
        guard matches("<?xml", in: bytes, at: 0), let end = find("?>", in: bytes, from: 0),
            let message = find("<Message>", in: bytes, from: 0)
        else { return false }
        return end < message && bytes[(end + 2)..<message].allSatisfy(isSpace)
    }

    private static func matches(_ token: String, in bytes: [UInt8], at index: Int) -> Bool {
        let token = Array(token.utf8)
        guard index >= 0, index + token.count <= bytes.count else { return false }
        return bytes[index..<(index + token.count)].elementsEqual(token)
    }

    /// The first index of `token` at or after `start`.
    static func find(_ token: String, in bytes: [UInt8], from start: Int) -> Int? {
        let token = Array(token.utf8)
        guard let first = token.first, bytes.count >= token.count else { return nil }
        var index = start
        let last = bytes.count - token.count
        while index <= last {
            guard let hit = bytes[index...last].firstIndex(of: first) else { return nil }
            if bytes[hit..<(hit + token.count)].elementsEqual(token) { return hit }
            index = hit + 1
        }
        return nil
    }
}

/// What is wrong with a received message's shape.
public struct HaixiEnvelopeError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
