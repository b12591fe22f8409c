import GatewayConfig
import ChannelKit
import Foundation

/// Reads credentials from where a config says they are: an environment variable or a file (trailing
/// newline stripped). Errors name the variable or file, never the value.
struct CredentialResolver: Sendable {
    var environment: [String: String]

    func resolve(_ references: [String: ChannelConfigFile.CredentialReference], file: String) throws(ChannelConfigError)
        -> [String: Credential]
    {
        var credentials: [String: Credential] = [:]
        for key in references.keys.sorted() {
            guard let reference = references[key] else { continue }
            let current = try value(
                reference.current, key: reference.rotationForm ? "credentials.\(key).current" : "credentials.\(key)", file: file)
            let next = try reference.next.map { (source) throws(ChannelConfigError) -> Secret in
                try value(source, key: "credentials.\(key).next", file: file)
            }
            credentials[key] = Credential(current: current, next: next)
        }
        return credentials
    }

    private func value(_ source: ChannelConfigFile.CredentialSource, key: String, file: String) throws(ChannelConfigError)
        -> Secret
    {
        switch source {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw ChannelConfigError(file: file, key: "\(key).env", "environment variable \(name) is not set or empty")
            }
            return Secret(value)
        case .file(let url):
            guard let data = FileManager.default.contents(atPath: url.path),
                let text = String(data: data, encoding: .utf8)
            else {
                throw ChannelConfigError(file: file, key: "\(key).file", "cannot read credential file \(url.lastPathComponent)")
            }
            let value = text.trimmingCharacters(in: .newlines)
            guard !value.isEmpty else {
                throw ChannelConfigError(file: file, key: "\(key).file", "credential file \(url.lastPathComponent) is empty")
            }
            return Secret(value)
        }
    }
}
