import Foundation

/// Checks a JSON value against an OpenAPI 3.0 schema object (as loaded from YAML): `$ref`, `type`, `nullable`,
/// `enum`, `properties`, `required`, `additionalProperties`, `items`, `minItems`/`maxItems`, `allOf`/`oneOf`/
/// `anyOf`, `minimum`/`maximum`, `minLength`/`maxLength`, `pattern` and the `date-time`/`date` formats — the
/// keywords the gateway's two documents use. Each mismatch is one message naming its JSON path.
struct OpenAPISchemaValidator {
    /// The whole document, for `$ref`s.
    let document: [String: Any]

    /// Every mismatch of `value` against `schema`, empty when it conforms.
    func violations(of value: JSONValue, against schema: [String: Any], at path: String = "$") -> [String] {
        var found: [String] = []
        check(value, schema, path, &found, depth: 0)
        return found
    }

    /// The object a local `$ref` (`#/components/...`) names.
    func resolve(_ reference: String) -> [String: Any]? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any = document
        for part in reference.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = (node as? [String: Any])?[key] else { return nil }
            node = next
        }
        return node as? [String: Any]
    }

    private func check(_ value: JSONValue, _ schema: [String: Any], _ path: String, _ found: inout [String], depth: Int) {
        guard depth < 64 else { return found.append("\(path): schema nesting too deep") }
        if let reference = schema["$ref"] as? String {
            guard let target = resolve(reference) else { return found.append("\(path): unresolvable $ref \(reference)") }
            return check(value, target, path, &found, depth: depth + 1)
        }
        if value == .null {
            let enumAllowsNull = (schema["enum"] as? [Any])?.contains { $0 is NSNull } ?? false
            if schema["nullable"] as? Bool == true || enumAllowsNull { return }
            if schema["type"] != nil || schema["enum"] != nil { return found.append("\(path): null where the schema allows none") }
        }
        for part in schema["allOf"] as? [[String: Any]] ?? [] {
            check(value, part, path, &found, depth: depth + 1)
        }
        if let alternatives = schema["oneOf"] as? [[String: Any]] {
            let passing = alternatives.filter { violations(of: value, against: $0, at: path).isEmpty }.count
            if passing != 1 { found.append("\(path): matches \(passing) of oneOf's \(alternatives.count) schemas, not exactly one") }
        }
        if let alternatives = schema["anyOf"] as? [[String: Any]],
            !alternatives.contains(where: { violations(of: value, against: $0, at: path).isEmpty })
        {
            found.append("\(path): matches none of anyOf's \(alternatives.count) schemas")
        }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { Self.equals($0, value) }) {
            found.append("\(path): \(Self.show(value)) is not one of the documented values \(allowed.map { "\($0)" })")
        }
        if let type = schema["type"] as? String, !Self.conforms(value, to: type) {
            return found.append("\(path): \(value.typeName) where the schema says \(type)")
        }
        switch value {
        case .object(let members):
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where members[key] == nil {
                found.append("\(path): required property '\(key)' is missing")
            }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[key] as? [String: Any] {
                    check(member, property, "\(path).\(key)", &found, depth: depth + 1)
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    check(member, extra, "\(path).\(key)", &found, depth: depth + 1)
                } else if schema["additionalProperties"] as? Bool == false
                    || (schema["additionalProperties"] == nil && !properties.isEmpty)
                {
                    // A documented object lists its properties: an undocumented one is a mismatch too.
                    found.append("\(path): property '\(key)' is not documented")
                }
            }
        case .array(let items):
            if let minimum = schema["minItems"] as? Int, items.count < minimum { found.append("\(path): fewer than \(minimum) items") }
            if let maximum = schema["maxItems"] as? Int, items.count > maximum { found.append("\(path): more than \(maximum) items") }
            if let itemSchema = schema["items"] as? [String: Any] {
                for (index, item) in items.enumerated() {
                    check(item, itemSchema, "\(path)[\(index)]", &found, depth: depth + 1)
                }
            }
        case .string(let text):
            if let minimum = schema["minLength"] as? Int, text.count < minimum { found.append("\(path): shorter than \(minimum)") }
            if let maximum = schema["maxLength"] as? Int, text.count > maximum { found.append("\(path): longer than \(maximum)") }
            if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
                found.append("\(path): '\(text.prefix(80))' does not match /\(pattern)/")
            }
            switch schema["format"] as? String {
            case "date-time" where !Self.isDateTime(text): found.append("\(path): '\(text.prefix(80))' is not an RFC 3339 date-time")
            case "date" where text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil:
                found.append("\(path): '\(text.prefix(80))' is not a full-date")
            default: break
            }
        case .integer(let number):
            if let minimum = Self.number(schema["minimum"]), Double(number) < minimum { found.append("\(path): \(number) below \(minimum)") }
            if let maximum = Self.number(schema["maximum"]), Double(number) > maximum { found.append("\(path): \(number) above \(maximum)") }
        case .number(let number):
            if let minimum = Self.number(schema["minimum"]), number < minimum { found.append("\(path): \(number) below \(minimum)") }
            if let maximum = Self.number(schema["maximum"]), number > maximum { found.append("\(path): \(number) above \(maximum)") }
        case .null, .bool:
            break
        }
    }

    private static func conforms(_ value: JSONValue, to type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .integer),
            ("number", .integer), ("number", .number):
            true
        default:
            false
        }
    }

    private static func equals(_ documented: Any, _ value: JSONValue) -> Bool {
        switch value {
        case .null: documented is NSNull
        case .string(let text): (documented as? String) == text
        case .bool(let flag): (documented as? Bool) == flag && !(documented is String)
        case .integer(let number): (documented as? Int).map { Int64($0) == number } ?? false
        case .number(let number): (documented as? Double) == number
        case .array, .object: false
        }
    }

    private static func number(_ any: Any?) -> Double? {
        if let value = any as? Int { return Double(value) }
        return any as? Double
    }

    private static func show(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "'\(text.prefix(80))'"
        case .integer(let number): "\(number)"
        case .bool(let flag): "\(flag)"
        default: value.typeName
        }
    }

    private static func isDateTime(_ text: String) -> Bool {
        text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#, options: .regularExpression) != nil
    }
}
