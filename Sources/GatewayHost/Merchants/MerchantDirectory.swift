import ChannelKit
import GatewayConfig
import Foundation
import Yams

/// The merchants the gateway serves, loaded from a YAML file (`--merchants`, docs/MERCHANT-AUTH.md):
///
///     merchants:
///       - id: demo
///         secret_env: GATEWAY_MERCHANT_DEMO_SECRET   # or secret_file: /run/secrets/demo
///         notify_url: https://merchant.example/webhooks   # optional default for webhooks
///         limits: {max_amount: 500000, daily_amount: 20000000, daily_count: 2000, time_zone: Asia/Shanghai}
///         # during a secret rotation, the secret being replaced (accepted until removed from the file):
///         # previous_secret_env: GATEWAY_MERCHANT_DEMO_SECRET_OLD   # or previous_secret_file: …
///
/// Secrets come only from environment variables or files, never from the YAML itself, and are held as
/// `Secret` (which prints as a mask).
struct MerchantDirectory: Sendable, Equatable {
    struct Merchant: Sendable, Equatable {
        var id: String
        /// Signs webhooks; requests signed with it are accepted.
        var secret: Secret
        /// During a rotation: requests signed with it are accepted too, until it is removed from the file.
        var previousSecret: Secret?
        var notifyURL: String?
        /// Its `limits:` across channels (限额限次; docs/LIMITS.md); the day of its caps is in its `time_zone`
        /// (default UTC).
        var limits = LimitSettings()

        /// The secrets a request may be signed with, the current one first.
        var acceptedSecrets: [Secret] { [secret] + (previousSecret.map { [$0] } ?? []) }
    }

    private var merchants: [String: Merchant]

    init(_ merchants: [Merchant]) {
        self.merchants = Dictionary(merchants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func merchant(_ id: String) -> Merchant? { merchants[id] }

    var ids: [String] { merchants.keys.sorted() }

    /// Loads the file; errors name the file and the key, never a secret.
    static func load(file: URL, environment: [String: String]) throws(MerchantConfigError) -> MerchantDirectory {
        let name = file.lastPathComponent
        guard let data = FileManager.default.contents(atPath: file.path), let text = String(data: data, encoding: .utf8)
        else { throw MerchantConfigError(file: name, key: nil, "cannot read the merchants file") }
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw MerchantConfigError(file: name, key: nil, "not valid YAML")
        }
        guard let top = root as? [String: Any], let list = top["merchants"] as? [Any] else {
            throw MerchantConfigError(file: name, key: "merchants", "expected a list under 'merchants'")
        }
        var merchants: [Merchant] = []
        var seen: Set<String> = []
        for (index, item) in list.enumerated() {
            let key = "merchants[\(index)]"
            guard let entry = item as? [String: Any] else {
                throw MerchantConfigError(file: name, key: key, "expected a mapping")
            }
            let unknown = Set(entry.keys).subtracting([
                "id", "secret_env", "secret_file", "previous_secret_env", "previous_secret_file", "notify_url",
                "limits",
            ])
            if let extra = unknown.sorted().first {
                throw MerchantConfigError(file: name, key: "\(key).\(extra)", "unknown key (a secret is given with secret_env or secret_file)")
            }
            guard let id = entry["id"] as? String, RequestValidator.isIdentifier(id, maxLength: 64) else {
                throw MerchantConfigError(file: name, key: "\(key).id", "expected 1–64 characters of [A-Za-z0-9_-]")
            }
            guard seen.insert(id).inserted else {
                throw MerchantConfigError(file: name, key: "\(key).id", "merchant '\(id)' appears twice")
            }
            let secret = try resolveSecret(entry, key: key, file: name, environment: environment)
            var previousSecret: Secret?
            if entry["previous_secret_env"] != nil || entry["previous_secret_file"] != nil {
                previousSecret = try resolveSecret(
                    entry, key: key, file: name, environment: environment, prefix: "previous_")
            }
            var notifyURL: String?
            if let url = entry["notify_url"] {
                guard let text = url as? String, let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""),
                    parsed.host != nil
                else { throw MerchantConfigError(file: name, key: "\(key).notify_url", "expected an absolute http(s) URL") }
                notifyURL = text
            }
            var merchant = Merchant(id: id, secret: secret, previousSecret: previousSecret, notifyURL: notifyURL)
            if let raw = entry["limits"] {
                merchant.limits = try LimitSettings.parse(
                    raw, path: "\(key).limits", scope: .merchant, currencies: nil
                ) { key, message in MerchantConfigError(file: name, key: key, message) }
            }
            merchants.append(merchant)
        }
        return MerchantDirectory(merchants)
    }

    /// `secret_env` / `secret_file` (or, with `prefix` `previous_`, the previous secret's keys).
    private static func resolveSecret(
        _ entry: [String: Any], key: String, file: String, environment: [String: String], prefix: String = ""
    ) throws(MerchantConfigError) -> Secret {
        let result = SecretSource.resolve(
            entry, envKey: "\(prefix)secret_env", fileKey: "\(prefix)secret_file", environment: environment, noun: "secret")
        switch result {
        case .success(let value): return Secret(value)
        case .failure(let problem):
            throw MerchantConfigError(file: file, key: problem.key.map { "\(key).\($0)" } ?? key, problem.message)
        }
    }
}

/// A merchants file problem: names the file and the key, never a secret value.
struct MerchantConfigError: Error, CustomStringConvertible {
    var file: String
    var key: String?
    var message: String

    init(file: String, key: String?, _ message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    var description: String { "\(file)\(key.map { ": \($0)" } ?? ""): \(message)" }
}
