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
        let (secret, suffix): (SecretSource, String) =
            switch source {
            case .environment(let name): (.environment(name), "env")
            case .file(let url): (.file(url), "file")
            }
        switch secret.read(environment: environment) {
        case .success(let value): return Secret(value)
        case .failure(let problem):
            throw ChannelConfigError(file: file, key: "\(key).\(suffix)", SecretSource.message(problem, noun: "credential"))
        }
    }
}
