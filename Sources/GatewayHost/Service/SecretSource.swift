import Foundation

/// Where a secret comes from — an environment variable or a file, never a config file's own text — and the
/// one reader of it, shared by channel credentials, merchant secrets and admin tokens. Problems name the
/// variable or the file, never a value.
enum SecretSource: Sendable, Equatable {
    case environment(String)
    case file(URL)

    enum Problem: Error, Equatable, Sendable {
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

    /// What is wrong with an entry's secret: the key at fault (nil: the entry itself) and a message for ops.
    struct EntryProblem: Error, Sendable {
        var key: String?
        var message: String
    }

    /// Reads the secret a YAML entry names with exactly one of `envKey` (a variable) and `fileKey` (a path,
    /// relative to `directory` when given and not absolute). On failure: the key at fault (nil: the entry
    /// itself, which must name exactly one) and a message for ops.
    static func resolve(
        _ entry: [String: Any], envKey: String, fileKey: String, directory: URL? = nil, environment: [String: String],
        trimming: CharacterSet = .newlines, noun: String
    ) -> Result<String, EntryProblem> {
        let source: SecretSource
        let key: String
        switch (entry[envKey] as? String, entry[fileKey] as? String) {
        case (let variable?, nil):
            (source, key) = (.environment(variable), envKey)
        case (nil, let path?):
            let url = path.hasPrefix("/") || directory == nil
                ? URL(fileURLWithPath: path) : directory!.appendingPathComponent(path)
            (source, key) = (.file(url), fileKey)
        default:
            return .failure(EntryProblem(key: nil, message: "exactly one of \(envKey), \(fileKey) is required"))
        }
        return source.read(environment: environment, trimming: trimming).mapError { problem in
            EntryProblem(key: key, message: message(problem, noun: noun, emptyIsUnreadable: true))
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
