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
/// max_amount: 5000000            # minor units, for every listed currency; or per currency: {CNY: 5000000}
/// timeouts: {connect_ms: 2000, request_ms: 5000, download_ms: 60000}
/// settings: {merchant_no: JN8800001}
/// credentials:
///   secret: {env: JIANGNAN_SECRET}
///   # during a key rotation (only for credentials the plugin declares as rotating):
///   # secret: {current: {env: JIANGNAN_SECRET}, next: {file: secrets/jiangnan-next.key}}
/// ```
public struct ChannelConfigFile: Sendable, Equatable {
    /// Where a credential value comes from. Never inline.
    public enum CredentialSource: Sendable, Equatable {
        case environment(String)
        case file(URL)
    }

    /// Where a credential's current value and, during a rotation, its next value come from.
    public struct CredentialReference: Sendable, Equatable {
        public var current: CredentialSource
        public var next: CredentialSource?
        /// Written as `{current: …, next: …}` (errors then name `credentials.KEY.current…`).
        public var rotationForm = false

        public init(current: CredentialSource, next: CredentialSource? = nil, rotationForm: Bool = false) {
            self.current = current
            self.next = next
            self.rotationForm = rotationForm
        }
    }

    /// A one-payment bound as the config states it (`max_amount`, `min_amount`): one value for every listed
    /// currency, or one per currency (currencies not named keep the plugin's).
    public typealias MaximumAmount = LimitSettings.Amount

    public var fileName: String
    public var id: String
    public var pluginId: String
    /// Takes new payments (`online: true`); an offline channel still serves refunds, queries, recovery and
    /// notifications of its existing payments.
    public var online: Bool
    /// Draining (`retired: true`): no new payments ever; it stops once it has no open payments or refunds.
    public var retired: Bool
    public var endpoint: URL
    public var currencies: [Currency]
    public var maximumAmount: MaximumAmount?
    public var timeouts: ChannelTimeouts
    public var settings: [String: String]
    public var credentials: [String: CredentialReference]
    /// The `reconciliation:` section (defaults when absent).
    public var reconciliation = ReconciliationSettings()
    /// The smallest single payment (`min_amount`), narrowing the plugin's minimum.
    public var minimumAmount: MaximumAmount?
    /// The `limits:` section: daily caps of the channel and of merchants on it.
    public var limits = LimitSettings()
    /// The `breaker:` section: the channel's circuit breaker.
    public var breaker = BreakerSettings()

    public static let topLevelKeys: Set<String> = [
        "id", "plugin", "online", "retired", "endpoint", "currencies", "max_amount", "timeouts", "settings",
        "credentials", "reconciliation", "min_amount", "limits", "breaker",
    ]
    static let timeoutKeys: Set<String> = ["connect_ms", "request_ms", "download_ms"]

    /// Whether a file name is a channel config (`*.yaml`, `*.yml`, not hidden: editors' and the gateway's own
    /// temporary files start with a dot; not the routing file, `RoutingRules.fileNames`).
    public static func isConfigFileName(_ name: String) -> Bool {
        !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
            && !RoutingRules.fileNames.contains(name)
    }

    /// Reads and parses one file of `directory`.
    public static func load(_ url: URL, directory: URL) throws(ChannelConfigError) -> ChannelConfigFile {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ChannelConfigError(file: url.lastPathComponent, key: nil, "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ChannelConfigError(file: url.lastPathComponent, key: nil, "not UTF-8 text")
        }
        return try parse(contents: text, fileName: url.lastPathComponent, directory: directory)
    }

    /// Parses one file. Errors name the file, the key and its line.
    public static func parse(contents: String, fileName: String, directory: URL) throws(ChannelConfigError)
        -> ChannelConfigFile
    {
        do {
            return try parseUnlocated(contents: contents, fileName: fileName, directory: directory)
        } catch {
            var located = error
            if located.line == nil, let key = error.key { located.line = YAMLKeyLocator(contents).line(of: key) }
            throw located
        }
    }

    private static func parseUnlocated(contents: String, fileName: String, directory: URL) throws(ChannelConfigError)
        -> ChannelConfigFile
    {
        func fail(_ key: String?, _ message: String) -> ChannelConfigError {
            ChannelConfigError(file: fileName, key: key, message)
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: contents)
        } catch {
            throw ChannelConfigError(
                file: fileName, key: nil, line: Self.yamlLine(error), "not valid YAML: \(Self.yamlProblem(error))")
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
        var retired = false
        if let raw = root["retired"] {
            guard let value = raw as? Bool else { throw fail("retired", "must be true or false") }
            retired = value
        }
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
        var maximumAmount: MaximumAmount?
        if let raw = root["max_amount"] {
            if let value = raw as? Int {
                guard value > 0 else { throw fail("max_amount", "must be a positive integer (minor units)") }
                maximumAmount = .all(Int64(value))
            } else if let map = raw as? [String: Any] {
                var perCurrency: [Currency: Int64] = [:]
                for code in map.keys.sorted() {
                    guard let currency = Currency(code: code), currencies.contains(currency) else {
                        throw fail("max_amount.\(code.prefix(16))", "names a currency the channel does not list in currencies")
                    }
                    guard let value = map[code] as? Int, value > 0 else {
                        throw fail("max_amount.\(code)", "must be a positive integer (minor units)")
                    }
                    perCurrency[currency] = Int64(value)
                }
                maximumAmount = .perCurrency(perCurrency)
            } else {
                throw fail("max_amount", "must be a positive integer (minor units) or a mapping of currency to one")
            }
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
        var credentials: [String: CredentialReference] = [:]
        if let raw = root["credentials"] {
            guard let map = raw as? [String: Any] else { throw fail("credentials", "must be a mapping") }
            for key in map.keys.sorted() {
                credentials[key] = try credentialReference(map[key], key: "credentials.\(key)", directory: directory, fail)
            }
        }
        var file = ChannelConfigFile(
            fileName: fileName, id: id, pluginId: pluginId, online: onlineBool, retired: retired, endpoint: endpoint,
            currencies: currencies, maximumAmount: maximumAmount, timeouts: timeouts, settings: settings,
            credentials: credentials)
        if let raw = root["reconciliation"] { file.reconciliation = try ReconciliationSettings.parse(raw, fail) }
        file.minimumAmount = try LimitSettings.amount(root["min_amount"], key: "min_amount", currencies: currencies, fail)
        if let raw = root["breaker"] { file.breaker = try BreakerSettings.parse(raw, fail) }
        if let raw = root["limits"] {
            file.limits = try LimitSettings.parse(raw, path: "limits", scope: .channel, currencies: currencies, fail)
        }
        return file
    }

    /// `{env: VAR}`, `{file: PATH}`, or `{current: <one of those>, next: <one of those>}`.
    private static func credentialReference(
        _ value: Any?, key: String, directory: URL, _ fail: (String?, String) -> ChannelConfigError
    ) throws(ChannelConfigError) -> CredentialReference {
        if let map = value as? [String: Any], map["current"] != nil || map["next"] != nil {
            for name in map.keys.sorted() where name != "current" && name != "next" {
                throw fail("\(key).\(name)", "unknown key (allowed: current, next)")
            }
            guard let current = map["current"] else {
                throw fail("\(key).current", "missing: a rotating credential needs its current value")
            }
            let next = try map["next"].map { (raw: Any) throws(ChannelConfigError) -> CredentialSource in
                try credentialSource(raw, key: "\(key).next", directory: directory, fail)
            }
            return CredentialReference(
                current: try credentialSource(current, key: "\(key).current", directory: directory, fail), next: next,
                rotationForm: true)
        }
        return CredentialReference(current: try credentialSource(value, key: key, directory: directory, fail), next: nil)
    }

    /// `{env: VAR}` or `{file: PATH}` (relative to the config directory).
    private static func credentialSource(
        _ value: Any?, key: String, directory: URL, _ fail: (String?, String) -> ChannelConfigError
    ) throws(ChannelConfigError) -> CredentialSource {
        guard let source = value as? [String: Any], source.count == 1,
            let kind = source.keys.first, kind == "env" || kind == "file"
        else {
            // Never echo the value: it may be a secret written inline by mistake.
            throw fail(
                key,
                "must be {env: VARIABLE} or {file: PATH} (or {current: …, next: …} during a rotation); inline "
                    + "credential values are not allowed")
        }
        guard let reference = source[kind] as? String, !reference.isEmpty else {
            throw fail("\(key).\(kind)", "must be a non-empty string")
        }
        if kind == "env" { return .environment(reference) }
        return .file(reference.hasPrefix("/") ? URL(fileURLWithPath: reference) : directory.appendingPathComponent(reference))
    }

    public static func isValidId(_ id: String) -> Bool {
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

    /// The line of a YAML syntax error.
    static func yamlLine(_ error: any Error) -> Int? {
        guard let yaml = error as? YamlError else { return nil }
        switch yaml {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): return mark.line
        default: return nil
        }
    }

    /// A YAML syntax problem without echoing file contents (which could hold a pasted secret).
    static func yamlProblem(_ error: any Error) -> String {
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
