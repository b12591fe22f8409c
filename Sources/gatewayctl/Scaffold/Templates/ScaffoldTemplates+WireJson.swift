extension ScaffoldTemplates {
    /// `Sources/{{Module}}Protocol/{{Module}}Wire.swift` of a generated package (json style).
    static let wireJson = ScaffoldFile(
        "Sources/{{Module}}Protocol/{{Module}}Wire.swift",
        #"""
import Foundation

/// The example bank's wire format (JSON style): a flat JSON object of string fields, its exact bytes signed
/// with HMAC-SHA256 under the merchant's key, the hex MAC in the `X-{{Module}}-Signature` header.
///
/// PARTNER: your bank's format and signature scheme. Keep the shape: `encode` signs with one key, `decode`
/// verifies with every key it is given (during a key rotation, the current and the next) and fails closed.
public enum {{Module}}Wire {
    public static let contentType = "application/json"

    /// The signed message of `fields` under `key`.
    public static func encode(_ fields: [String: String], key: String) -> {{Module}}WireMessage {
        let body = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        let bytes = Array(body)
        return {{Module}}WireMessage(
            body: bytes,
            headers: [("Content-Type", contentType), ({{Module}}API.signatureHeader, HMACSHA256.hex(key: key, message: bytes))])
    }

    /// The fields of a message whose signature verifies under one of `keys`.
    /// - Parameter header: looks a request or answer header up by name (case-insensitive).
    public static func decode(_ body: [UInt8], header: (String) -> String?, keys: [String]) throws({{Module}}WireError)
        -> [String: String]
    {
        guard let signature = header({{Module}}API.signatureHeader), !signature.isEmpty else { throw .badSignature }
        guard keys.contains(where: { HMACSHA256.equal(HMACSHA256.hex(key: $0, message: body), signature) }) else {
            throw .badSignature
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw .malformed("not a JSON object")
        }
        var fields: [String: String] = [:]
        for (name, value) in object {
            guard let text = value as? String else { throw .malformed("field \(name) is not a string") }
            fields[name] = text
        }
        return fields
    }

    /// One field of a message, read without checking its signature: only to choose the key to verify with.
    public static func peekField(_ name: String, in body: [UInt8]) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?[name] as? String
    }
}
"""#)
}
