extension ScaffoldTemplates {
    /// `Sources/{{Module}}Protocol/{{Module}}Wire.swift` of a generated package (xml style).
    static let wireXml = ScaffoldFile(
        "Sources/{{Module}}Protocol/{{Module}}Wire.swift",
        #"""
import Foundation

/// The example bank's wire format (XML style): a small signed envelope
///
///     <?xml version="1.0" encoding="UTF-8"?>
///     <Envelope><Body><amount>100</amount>…</Body><Signature>hex</Signature></Envelope>
///
/// whose `Signature` is the hex HMAC-SHA256, under the merchant's key, of the exact bytes from `<Body>` to
/// `</Body>` inclusive. The body holds flat elements, one per field, sorted by name, text escaped
/// (`&amp; &lt; &gt; &quot; &apos;`). Read by a byte scan: no XML library, no entity expansion.
///
/// PARTNER: your bank's envelope and signature scheme. Keep the shape: `encode` signs with one key, `decode`
/// verifies with every key it is given (during a key rotation, the current and the next) and fails closed.
public enum {{Module}}Wire {
    public static let contentType = "application/xml; charset=utf-8"

    /// The signed message of `fields` under `key`.
    public static func encode(_ fields: [String: String], key: String) -> {{Module}}WireMessage {
        let body = "<Body>" + fields.sorted { $0.key < $1.key }.map { "<\($0.key)>\(escape($0.value))</\($0.key)>" }.joined() + "</Body>"
        let signature = HMACSHA256.hex(key: key, message: Array(body.utf8))
        let envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Envelope>\(body)<Signature>\(signature)</Signature></Envelope>\n"
        return {{Module}}WireMessage(body: Array(envelope.utf8), headers: [("Content-Type", contentType)])
    }

    /// The fields of an envelope whose signature verifies under one of `keys`.
    public static func decode(_ body: [UInt8], header: (String) -> String?, keys: [String]) throws({{Module}}WireError)
        -> [String: String]
    {
        guard let text = String(validating: body, as: UTF8.self), let signed = element("Body", in: text, inclusive: true)
        else { throw .malformed("no <Body> element") }
        guard let signature = element("Signature", in: text, inclusive: false), !signature.isEmpty else { throw .badSignature }
        guard keys.contains(where: { HMACSHA256.equal(HMACSHA256.hex(key: $0, message: Array(signed.utf8)), String(signature)) }) else {
            throw .badSignature
        }
        guard let fields = parseFields(signed) else { throw .malformed("the <Body> is not flat elements") }
        return fields
    }

    /// One field of a message, read without checking its signature: only to choose the key to verify with.
    public static func peekField(_ name: String, in body: [UInt8]) -> String? {
        guard let text = String(validating: body, as: UTF8.self), let signed = element("Body", in: text, inclusive: true) else { return nil }
        return parseFields(signed)?[name]
    }

    /// The first `<name>…</name>` of `text`, with or without its tags.
    static func element(_ name: String, in text: String, inclusive: Bool) -> Substring? {
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return inclusive ? text[open.lowerBound..<close.upperBound] : text[open.upperBound..<close.lowerBound]
    }

    /// `<Body><a>1</a><b>2</b></Body>` as `[a: 1, b: 2]`; nil for anything else.
    static func parseFields(_ body: Substring) -> [String: String]? {
        var rest = body.dropFirst("<Body>".count).dropLast("</Body>".count)
        var fields: [String: String] = [:]
        while !rest.isEmpty {
            guard rest.first == "<", let end = rest.firstIndex(of: ">") else { return nil }
            let name = String(rest[rest.index(after: rest.startIndex)..<end])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), fields[name] == nil else { return nil }
            let valueStart = rest.index(after: end)
            guard let close = rest.range(of: "</\(name)>", range: valueStart..<rest.endIndex),
                let value = unescape(rest[valueStart..<close.lowerBound])
            else { return nil }
            fields[name] = value
            rest = rest[close.upperBound...]
        }
        return fields
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&apos;")
    }

    static func unescape(_ text: Substring) -> String? {
        guard !text.contains("<") else { return nil }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
"""#)
}
