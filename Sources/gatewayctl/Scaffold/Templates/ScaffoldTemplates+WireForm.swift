extension ScaffoldTemplates {
    /// `Sources/{{Module}}Protocol/{{Module}}Wire.swift` of a generated package (form style).
    static let wireForm = ScaffoldFile(
        "Sources/{{Module}}Protocol/{{Module}}Wire.swift",
        #"""
import Foundation

/// The example bank's wire format (form style): an `application/x-www-form-urlencoded` body whose `sign` field
/// is the hex HMAC-SHA256, under the merchant's key, of the other fields sorted by name as `name=value` joined
/// with `&` (values unencoded, empty values left out) — the usual shape of banks that sign forms with MD5.
///
/// PARTNER: your bank's format and signature scheme (its field order, its encoding, MD5 or HMAC, upper or
/// lower case hex). Keep the shape: `encode` signs with one key, `decode` verifies with every key it is given
/// (during a key rotation, the current and the next) and fails closed.
public enum {{Module}}Wire {
    public static let contentType = "application/x-www-form-urlencoded"
    static let signField = "sign"

    /// The signed message of `fields` under `key`.
    public static func encode(_ fields: [String: String], key: String) -> {{Module}}WireMessage {
        var signed = fields.filter { !$0.value.isEmpty }
        signed[signField] = HMACSHA256.hex(key: key, message: Array(canonical(signed).utf8))
        let body = signed.sorted { $0.key < $1.key }.map { "\(escape($0.key))=\(escape($0.value))" }.joined(separator: "&")
        return {{Module}}WireMessage(body: Array(body.utf8), headers: [("Content-Type", contentType)])
    }

    /// The fields of a message whose `sign` verifies under one of `keys`.
    public static func decode(_ body: [UInt8], header: (String) -> String?, keys: [String]) throws({{Module}}WireError)
        -> [String: String]
    {
        guard let fields = parse(body) else { throw .malformed("not a form") }
        guard let sign = fields[signField], !sign.isEmpty else { throw .badSignature }
        let text = Array(canonical(fields).utf8)
        guard keys.contains(where: { HMACSHA256.equal(HMACSHA256.hex(key: $0, message: text), sign) }) else {
            throw .badSignature
        }
        return fields.filter { $0.key != signField }
    }

    /// One field of a message, read without checking its signature: only to choose the key to verify with.
    public static func peekField(_ name: String, in body: [UInt8]) -> String? { parse(body)?[name] }

    /// The signed text: every field but `sign` with a value, sorted by name, `name=value` joined by `&`.
    static func canonical(_ fields: [String: String]) -> String {
        fields.filter { $0.key != signField && !$0.value.isEmpty }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    static func parse(_ body: [UInt8]) -> [String: String]? {
        guard let text = String(validating: body, as: UTF8.self) else { return nil }
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let name = unescape(parts[0]), let value = unescape(parts[1]), fields[name] == nil else {
                return nil
            }
            fields[name] = value
        }
        return fields
    }

    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static func unescape(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
"""#)
}
