import Crypto
import Foundation
import Yams

/// The bearer tokens that may use the admin API, loaded from a YAML file (`--admin-tokens`):
///
///     tokens:
///       - name: ops-alice                      # recorded as "who" on what the token does
///         token_env: GATEWAY_ADMIN_TOKEN_ALICE  # or token_file: /run/secrets/alice.token
///
/// Token values come only from environment variables or files, are at least 32 characters, and are held
/// only as SHA-256 digests; a presented token is compared with every digest in constant time.
struct AdminTokens: Sendable {
    struct Entry: Sendable {
        var name: String
        var digest: [UInt8]
    }

    /// The shortest token accepted.
    static let minimumLength = 32

    private let entries: [Entry]

    init(_ entries: [Entry]) { self.entries = entries }

    /// No tokens: every admin request is refused.
    static let none = AdminTokens([])

    var isEmpty: Bool { entries.isEmpty }
    var names: [String] { entries.map(\.name) }

    /// The name of the token `presented`, or `nil` when it is not one of them.
    func name(of presented: String) -> String? {
        let digest = Array(SHA256.hash(data: Data(presented.utf8)))
        var found: String?
        for entry in entries where Self.constantTimeEqual(entry.digest, digest) {
            found = found ?? entry.name
        }
        return found
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Loads the file; errors name the file and the key, never a token.
    static func load(file: URL, environment: [String: String]) throws(AdminTokensError) -> AdminTokens {
        let name = file.lastPathComponent
        guard let data = FileManager.default.contents(atPath: file.path), let text = String(data: data, encoding: .utf8)
        else { throw AdminTokensError(file: name, key: nil, "cannot read the admin tokens file") }
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw AdminTokensError(file: name, key: nil, "not valid YAML")
        }
        guard let top = root as? [String: Any], let list = top["tokens"] as? [Any], !list.isEmpty else {
            throw AdminTokensError(file: name, key: "tokens", "expected a non-empty list under 'tokens'")
        }
        var entries: [Entry] = []
        for (index, item) in list.enumerated() {
            let key = "tokens[\(index)]"
            guard let entry = item as? [String: Any] else { throw AdminTokensError(file: name, key: key, "expected a mapping") }
            if let extra = Set(entry.keys).subtracting(["name", "token_env", "token_file"]).sorted().first {
                throw AdminTokensError(file: name, key: "\(key).\(extra)", "unknown key (a token is given with token_env or token_file)")
            }
            guard let tokenName = entry["name"] as? String, RequestValidator.isIdentifier(tokenName, maxLength: 64) else {
                throw AdminTokensError(file: name, key: "\(key).name", "expected 1–64 characters of [A-Za-z0-9_-]")
            }
            guard !entries.contains(where: { $0.name == tokenName }) else {
                throw AdminTokensError(file: name, key: "\(key).name", "token '\(tokenName)' appears twice")
            }
            let value = try resolve(entry, key: key, file: name, directory: file.deletingLastPathComponent(), environment: environment)
            guard value.count >= minimumLength else {
                throw AdminTokensError(file: name, key: key, "the token of '\(tokenName)' is shorter than \(minimumLength) characters")
            }
            entries.append(Entry(name: tokenName, digest: Array(SHA256.hash(data: Data(value.utf8)))))
        }
        return AdminTokens(entries)
    }

    private static func resolve(
        _ entry: [String: Any], key: String, file: String, directory: URL, environment: [String: String]
    ) throws(AdminTokensError) -> String {
        let result = SecretSource.resolve(
            entry, envKey: "token_env", fileKey: "token_file", directory: directory, environment: environment,
            trimming: .whitespacesAndNewlines, noun: "token")
        switch result {
        case .success(let value): return value
        case .failure(let problem):
            throw AdminTokensError(file: file, key: problem.key.map { "\(key).\($0)" } ?? key, problem.message)
        }
    }
}

/// An admin tokens file problem: names the file and the key, never a token.
struct AdminTokensError: Error, CustomStringConvertible {
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
