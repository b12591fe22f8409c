/// The Minbei message form: `application/x-www-form-urlencoded; charset=GBK` — names and values as GBK bytes,
/// percent-encoded. Requests, responses and notifications are all this form; the order of the fields as
/// written is kept (signing sorts its own copy).
public struct MinbeiForm: Sendable, Equatable {
    public var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)]) {
        self.fields = fields
    }

    public static func == (lhs: MinbeiForm, rhs: MinbeiForm) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The value of the field `name`, if present.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// The body bytes; `nil` when a name or value holds a character outside GBK.
    public func encoded() -> [UInt8]? {
        var body: [UInt8] = []
        for (index, field) in fields.enumerated() {
            guard let name = GBK.encode(field.name), let value = GBK.encode(field.value) else { return nil }
            if index > 0 { body.append(UInt8(ascii: "&")) }
            Self.percentEncode(name, into: &body)
            body.append(UInt8(ascii: "="))
            Self.percentEncode(value, into: &body)
        }
        return body
    }

    /// The form of a body; `nil` when it is not one: a bad percent escape, bytes that are not GBK, a field
    /// without `=`, or a name given twice (a message that could be read two ways).
    public static func decode(_ body: some Collection<UInt8>) -> MinbeiForm? {
        var fields: [(name: String, value: String)] = []
        var names: Set<String> = []
        for part in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")),
                let nameBytes = percentDecode(part[..<equals]),
                let valueBytes = percentDecode(part[part.index(after: equals)...]),
                let name = GBK.decode(nameBytes), let value = GBK.decode(valueBytes),
                !name.isEmpty, names.insert(name).inserted
            else { return nil }
            fields.append((name, value))
        }
        return MinbeiForm(fields)
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func percentEncode(_ bytes: [UInt8], into body: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                body.append(byte)
            default:
                body.append(UInt8(ascii: "%"))
                body.append(hex[Int(byte >> 4)])
                body.append(hex[Int(byte & 0x0F)])
            }
        }
    }

    private static func percentDecode(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        var decoded: [UInt8] = []
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                decoded.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                decoded.append(high << 4 | low)
            default:
                decoded.append(byte)
            }
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
