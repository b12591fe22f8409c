import ChannelKit
import Foundation

/// Reads credentials from where a config says they are: an environment variable or a file (trailing
/// newline stripped). Errors name the variable or file, never the value.
struct CredentialResolver: Sendable {
    var environment: [String: String]

    func resolve(_ sources: [String: ChannelConfigFile.CredentialSource], file: String) throws(ChannelConfigError)
        -> [String: Secret]
    {
        var secrets: [String: Secret] = [:]
        for (key, source) in sources {
            switch source {
            case .environment(let name):
                guard let value = environment[name], !value.isEmpty else {
                    throw ChannelConfigError(
                        file: file, key: "credentials.\(key).env", "environment variable \(name) is not set or empty")
                }
                secrets[key] = Secret(value)
            case .file(let url):
                guard let data = FileManager.default.contents(atPath: url.path),
                    let text = String(data: data, encoding: .utf8)
                else {
                    throw ChannelConfigError(
                        file: file, key: "credentials.\(key).file", "cannot read credential file \(url.lastPathComponent)")
                }
                let value = text.trimmingCharacters(in: .newlines)
                guard !value.isEmpty else {
                    throw ChannelConfigError(
                        file: file, key: "credentials.\(key).file", "credential file \(url.lastPathComponent) is empty")
                }
                secrets[key] = Secret(value)
            }
        }
        return secrets
    }
}
