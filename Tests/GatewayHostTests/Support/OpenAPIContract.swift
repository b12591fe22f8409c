import Foundation
import Yams

/// One of the gateway's OpenAPI documents, read for checking real answers against it: which documented
/// operation a request hit, whether its status is documented, whether its body conforms to the documented
/// schema, and whether an error's code is one the document lists (`x-error-codes`: code → statuses).
struct OpenAPIContract: Sendable {
    /// `openapi.yaml` or `admin-openapi.yaml`.
    let name: String
    /// The documented error codes and the statuses each is answered with.
    let errorCodes: [String: Set<Int>]
    private let templates: [(template: String, segments: [Substring])]
    private nonisolated(unsafe) let document: [String: Any]

    /// The merchant API document.
    static let merchant = try! OpenAPIContract(file: "openapi.yaml")
    /// The admin API document.
    static let admin = try! OpenAPIContract(file: "admin-openapi.yaml")

    init(file: String) throws {
        let url = BuildProducts.repositoryRoot.appendingPathComponent("docs/\(file)")
        guard let document = try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any] else {
            throw HarnessError("\(file) is not a YAML mapping")
        }
        self.name = file
        self.document = document
        self.templates = ((document["paths"] as? [String: Any]) ?? [:]).keys.sorted().map { ($0, $0.split(separator: "/")) }
        var codes: [String: Set<Int>] = [:]
        for (code, statuses) in document["x-error-codes"] as? [String: Any] ?? [:] {
            let list = (statuses as? [Int]) ?? (statuses as? Int).map { [$0] } ?? []
            codes[code] = Set(list)
        }
        self.errorCodes = codes
    }

    /// The documented path template `path` (without query) falls under: literal segments must match exactly,
    /// `{…}` segments match any one segment; the template with the most literal segments wins.
    func template(of path: String) -> String? {
        let segments = path.split(separator: "/")
        let candidates = templates.filter { candidate in
            candidate.segments.count == segments.count
                && zip(candidate.segments, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        return candidates.max { literals($0.segments) < literals($1.segments) }?.template
    }

    /// What is wrong with an answer of `status` with `body` (`contentType`) to `method` `template`: an
    /// undocumented operation or status, a body that does not conform to its schema, an error code not listed
    /// for that status.
    func violations(method: String, template: String, status: Int, contentType: String?, body: Data) -> [String] {
        let validator = OpenAPISchemaValidator(document: document)
        let where_ = "\(name) \(method) \(template) \(status)"
        guard let operation = ((document["paths"] as? [String: Any])?[template] as? [String: Any])?[method.lowercased()] as? [String: Any]
        else {
            // A method the route does not have is answered like an unknown route.
            if status == 404 { return routeErrorViolations(status: status, contentType: contentType, body: body) }
            return ["\(where_): the operation is not documented"]
        }
        let responses = operation["responses"] as? [String: Any] ?? [:]
        guard var response = (responses[String(status)] ?? responses["\(status / 100)XX"] ?? responses["default"]) as? [String: Any]
        else { return ["\(where_): the status is not documented"] }
        if let reference = response["$ref"] as? String, let target = validator.resolve(reference) { response = target }
        var found: [String] = []
        let json = (contentType ?? "").lowercased().hasPrefix("application/json")
        if json, let value = try? JSONDecoder().decode(JSONValue.self, from: body) {
            if let schema = ((response["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any] {
                found += validator.violations(of: value, against: schema).map { "\(where_): \($0)" }
            } else if response["content"] != nil {
                found.append("\(where_): a JSON body where the document describes none")
            }
            if status >= 400, let code = value.errorCode, !(errorCodes[code]?.contains(status) ?? false) {
                found.append("\(where_): error code '\(code)' is not listed in x-error-codes for \(status)")
            }
        } else if json {
            found.append("\(where_): the body is not JSON")
        }
        return found
    }

    /// What is wrong with a 404/405 answer to a route the document does not have: it must be an `Error`
    /// (components/schemas) whose code is listed for its status.
    func routeErrorViolations(status: Int, contentType: String?, body: Data) -> [String] {
        let where_ = "\(name) (no such route) \(status)"
        guard (contentType ?? "").lowercased().hasPrefix("application/json"),
            let value = try? JSONDecoder().decode(JSONValue.self, from: body)
        else { return ["\(where_): the body is not JSON"] }
        let validator = OpenAPISchemaValidator(document: document)
        var found = validator.violations(of: value, against: ["$ref": "#/components/schemas/Error"]).map { "\(where_): \($0)" }
        if let code = value.errorCode, !(errorCodes[code]?.contains(status) ?? false) {
            found.append("\(where_): error code '\(code)' is not listed in x-error-codes for \(status)")
        }
        return found
    }

    private func literals(_ segments: [Substring]) -> Int { segments.filter { !$0.hasPrefix("{") }.count }
}
