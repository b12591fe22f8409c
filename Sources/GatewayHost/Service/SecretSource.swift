import Foundation

/// Where a secret comes from — an environment variable or a file, never a config file's own text — and the
/// one reader of it, shared by channel credentials, merchant secrets and admin tokens. Problems name the
/// variable or the file, never a value.
enum SecretSource: Sendable, Equatable {
    case environment(String)
    case file(URL)

    enum Problem: Error, Equatable {
        case notSet(variable: String)
        case unreadable(file: String)
        case empty(file: String)
    }

    /// The value, without the `trimming` characters around it (by default the trailing newline a file has).
    func read(environment: [String: String], trimming: CharacterSet = .newlines) -> Result<String, Problem> {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else { return .failure(.notSet(variable: name)) }
            return .success(value)
        case .file(let url):
            guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
            else { return .failure(.unreadable(file: url.lastPathComponent)) }
            let value = text.trimmingCharacters(in: trimming)
            guard !value.isEmpty else { return .failure(.empty(file: url.lastPathComponent)) }
            return .success(value)
        }
    }

    /// A message for ops: "environment variable X is not set or empty", "cannot read <noun> file F", "<noun>
    /// file F is empty" (or, with `emptyIsUnreadable`, the unreadable message for an empty file too).
    static func message(_ problem: Problem, noun: String, emptyIsUnreadable: Bool = false) -> String {
        switch problem {
        case .notSet(let variable): "environment variable \(variable) is not set or empty"
        case .unreadable(let file): "cannot read \(noun) file \(file)"
        case .empty(let file): emptyIsUnreadable ? "cannot read \(noun) file \(file)" : "\(noun) file \(file) is empty"
        }
    }
}
