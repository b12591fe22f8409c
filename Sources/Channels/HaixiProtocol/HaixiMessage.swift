/// A Haixi message as written (document v1.8): `<Message><Head>…</Head><Body>…</Body><Signature>…</Signature>
/// </Message>`, each element written in the order given — the document's order — with no whitespace between
/// elements, so that the signed bytes are exactly those of the message sent.
public struct HaixiMessage: Sendable, Equatable {
    /// Head elements in order: `TxCode`, `MerId`, `TxTime`, `SerialNo`, then (responses) `RespCode`, `RespMsg`.
    public var head: [(name: String, value: String)]
    /// Body elements in the operation's order.
    public var body: [(name: String, value: String)]

    public init(head: [(name: String, value: String)], body: [(name: String, value: String)]) {
        self.head = head
        self.body = body
    }

    public static func == (lhs: HaixiMessage, rhs: HaixiMessage) -> Bool {
        lhs.head.elementsEqual(rhs.head) { $0 == $1 } && lhs.body.elementsEqual(rhs.body) { $0 == $1 }
    }

    /// The bytes the signature covers: `<Head>` through `</Body>`.
    public var signedBytes: [UInt8] {
        var bytes = Array("<Head>".utf8)
        for (name, value) in head { Self.append(name, value, to: &bytes) }
        bytes += Array("</Head><Body>".utf8)
        for (name, value) in body { Self.append(name, value, to: &bytes) }
        bytes += Array("</Body>".utf8)
        return bytes
    }

    /// The whole document, signed by `signer`.
    public func encoded(signedBy signer: HaixiSigner) throws -> [UInt8] {
        let signed = signedBytes
        let signature = try signer.signature(over: signed)
        return Self.prolog + Array("<Message>".utf8) + signed + Array("<Signature>".utf8) + Array(signature.utf8)
            + Array("</Signature></Message>".utf8)
    }

    /// `<?xml version="1.0" encoding="UTF-8"?>` and a line break.
    public static let prolog = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8)

    private static func append(_ name: String, _ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "<"))
        bytes += Array(name.utf8)
        bytes.append(UInt8(ascii: ">"))
        HaixiText.escape(value, into: &bytes)
        bytes += Array("</".utf8)
        bytes += Array(name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }
}

/// XML character data as the messages carry it: `&`, `<` and `>` escaped; the five predefined entities and
/// numeric references read back.
public enum HaixiText {
    public static func escape(_ text: String, into bytes: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): bytes += Array("&amp;".utf8)
            case UInt8(ascii: "<"): bytes += Array("&lt;".utf8)
            case UInt8(ascii: ">"): bytes += Array("&gt;".utf8)
            default: bytes.append(byte)
            }
        }
    }

    /// The text of escaped character data; `nil` for a malformed or unknown reference, bytes that are not
    /// UTF-8, or a raw `<`.
    public static func unescape(_ bytes: some Collection<UInt8>) -> String? {
        guard !bytes.contains(UInt8(ascii: "<")) else { return nil }
        guard bytes.contains(UInt8(ascii: "&")) else { return String(validating: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&") else {
                out.append(byte)
                index = bytes.index(after: index)
                continue
            }
            guard let semicolon = bytes[index...].firstIndex(of: UInt8(ascii: ";")) else { return nil }
            let name = String(decoding: bytes[bytes.index(after: index)..<semicolon], as: UTF8.self)
            switch name {
            case "amp": out.append(UInt8(ascii: "&"))
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let number: UInt32? =
                    name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16)
                    : name.hasPrefix("#") ? UInt32(name.dropFirst(), radix: 10) : nil
                guard let number, let scalar = Unicode.Scalar(number) else { return nil }
                out += Array(String(Character(scalar)).utf8)
            }
            index = bytes.index(after: semicolon)
        }
        return String(validating: out, as: UTF8.self)
    }
}
