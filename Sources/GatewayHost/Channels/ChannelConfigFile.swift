import ChannelKit
import Foundation
import Yams

/// A channel config file (`channel-configs/<name>.yaml`), parsed and checked for shape, before its plugin is
/// known. Unknown keys, wrong types and missing required keys are errors naming the file and the key.
///
/// ```yaml
/// id: jiangnan
/// plugin: jiangnan
/// online: true
/// endpoint: http://127.0.0.1:9100
/// currencies: [CNY]
/// max_amount: 5000000
/// timeouts: {connect_ms: 2000, request_ms: 5000, download_ms: 60000}
/// settings: {merchant_no: JN8800001}
/// credentials:
///   secret: {env: JIANGNAN_SECRET}
/// ```
struct ChannelConfigFile: Sendable {
    /// Where a credential comes from. Never inline.
    enum CredentialSource: Sendable, Equatable {
        case environment(String)
        case file(URL)
    }

    var fileName: String
    var id: String
    var pluginId: String
    var online: Bool
    var endpoint: URL
    var currencies: [Currency]
    var maximumAmount: Int64?
    var timeouts: ChannelTimeouts
    var settings: [String: String]
    var credentials: [String: CredentialSource]

    static let topLevelKeys: Set<String> = [
        "id", "plugin", "online", "endpoint", "currencies", "max_amount", "timeouts", "settings", "credentials",
    ]
    static let timeoutKeys: Set<String> = ["connect_ms", "request_ms", "download_ms"]

    /// Parses one file.
    static func parse(contents: String, fileName: String, directory: URL) throws(ChannelConfigError) -> ChannelConfigFile {
        func fail(_ key: String?, _ message: String) -> ChannelConfigError {
            ChannelConfigError(file: fileName, key: key, message)
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: contents)
        } catch {
            throw fail(nil, "not valid YAML: \(Self.yamlProblem(error))")
        }
        guard let root = loaded as? [String: Any] else {
            throw fail(nil, "expected a mapping of keys at the top level")
        }
        for key in root.keys.sorted() where !topLevelKeys.contains(key) {
            throw fail(key, "unknown key (allowed: \(topLevelKeys.sorted().joined(separator: ", ")))")
        }
        let id = try string(root, "id", fail)
        guard Self.isValidId(id) else { throw fail("id", "must be 1–64 chars of [a-z0-9-], got '\(id.prefix(80))'") }
        let pluginId = try string(root, "plugin", fail)
        guard let online = root["online"] else { throw fail("online", "missing required key (true or false)") }
        guard let onlineBool = online as? Bool else { throw fail("online", "must be true or false") }
        let endpointText = try string(root, "endpoint", fail)
        guard let endpoint = URL(string: endpointText), let scheme = endpoint.scheme?.lowercased(),
            scheme == "http" || scheme == "https", endpoint.host != nil
        else { throw fail("endpoint", "must be an http or https URL") }
        guard endpoint.user == nil, endpoint.password == nil else {
            throw fail("endpoint", "must not contain credentials; use the credentials key")
        }
        guard let currencyList = root["currencies"] else { throw fail("currencies", "missing required key") }
        guard let codes = currencyList as? [Any], !codes.isEmpty else {
            throw fail("currencies", "must be a non-empty list of ISO 4217 codes")
        }
        var currencies: [Currency] = []
        for (index, code) in codes.enumerated() {
            guard let text = code as? String, let currency = Currency(code: text) else {
                throw fail("currencies[\(index)]", "'\(code)' is not an ISO 4217 currency code")
            }
            currencies.append(currency)
        }
        var maximumAmount: Int64?
        if let raw = root["max_amount"] {
            guard let value = raw as? Int, value > 0 else { throw fail("max_amount", "must be a positive integer (minor units)") }
            maximumAmount = Int64(value)
        }
        var timeouts = ChannelTimeouts()
        if let raw = root["timeouts"] {
            guard let map = raw as? [String: Any] else { throw fail("timeouts", "must be a mapping") }
            for key in map.keys.sorted() where !timeoutKeys.contains(key) {
                throw fail("timeouts.\(key)", "unknown key (allowed: \(timeoutKeys.sorted().joined(separator: ", ")))")
            }
            func ms(_ key: String) throws(ChannelConfigError) -> Duration? {
                guard let value = map[key] else { return nil }
                guard let int = value as? Int, int > 0 else { throw fail("timeouts.\(key)", "must be a positive integer of milliseconds") }
                return .milliseconds(int)
            }
            if let value = try ms("connect_ms") { timeouts.connect = value }
            if let value = try ms("request_ms") { timeouts.request = value }
            if let value = try ms("download_ms") { timeouts.download = value }
        }
        var settings: [String: String] = [:]
        if let raw = root["settings"] {
            guard let map = raw as? [String: Any] else { throw fail("settings", "must be a mapping") }
            for (key, value) in map {
                switch value {
                case let text as String: settings[key] = text
                case let int as Int: settings[key] = String(int)
                case let bool as Bool: settings[key] = String(bool)
                default: throw fail("settings.\(key)", "must be a string, number or boolean")
                }
            }
        }
        var credentials: [String: CredentialSource] = [:]
        if let raw = root["credentials"] {
            guard let map = raw as? [String: Any] else { throw fail("credentials", "must be a mapping") }
            for key in map.keys.sorted() {
                guard let source = map[key] as? [String: Any], source.count == 1,
                    let kind = source.keys.first, kind == "env" || kind == "file"
                else {
                    // Never echo the value: it may be a secret written inline by mistake.
                    throw fail(
                        "credentials.\(key)",
                        "must be {env: VARIABLE} or {file: PATH}; inline credential values are not allowed")
                }
                guard let reference = source[kind] as? String, !reference.isEmpty else {
                    throw fail("credentials.\(key).\(kind)", "must be a non-empty string")
                }
                if kind == "env" {
                    credentials[key] = .environment(reference)
                } else {
                    let url =
                        reference.hasPrefix("/")
                        ? URL(fileURLWithPath: reference) : directory.appendingPathComponent(reference)
                    credentials[key] = .file(url)
                }
            }
        }
        return ChannelConfigFile(
            fileName: fileName, id: id, pluginId: pluginId, online: onlineBool, endpoint: endpoint,
            currencies: currencies, maximumAmount: maximumAmount, timeouts: timeouts, settings: settings,
            credentials: credentials)
    }

    static func isValidId(_ id: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        return (1...64).contains(id.count) && id.allSatisfy { allowed.contains($0) }
    }

    private static func string(
        _ root: [String: Any], _ key: String, _ fail: (String?, String) -> ChannelConfigError
    ) throws(ChannelConfigError) -> String {
        guard let value = root[key] else { throw fail(key, "missing required key") }
        guard let text = value as? String, !text.isEmpty else { throw fail(key, "must be a non-empty string") }
        return text
    }

    /// A YAML syntax problem without echoing file contents (which could hold a pasted secret).
    private static func yamlProblem(_ error: any Error) -> String {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
                return "\(problem) at line \(mark.line), column \(mark.column)"
            default:
                return "syntax error"
            }
        }
        return "syntax error"
    }
}
