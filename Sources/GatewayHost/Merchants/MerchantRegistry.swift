import Foundation
import Logging
import Synchronization

/// The merchants as the gateway serves them now: the merchants file, reloaded when it (or a secret file it
/// names) changes — by `ConfigWatcher`'s poll, SIGHUP or `POST /admin/config/reload`. A merchant added can
/// pay at once; a rotated secret is accepted at once; a previous secret removed from the file is refused at
/// once. A file that does not load is refused with file and key, and the merchants before stay in force.
final class MerchantRegistry: Sendable {
    private struct State {
        var directory: MerchantDirectory
        var error: MerchantConfigError?
    }

    let file: URL?
    let environment: [String: String]
    private let state: Mutex<State>

    init(file: URL, environment: [String: String]) throws(MerchantConfigError) {
        self.file = file
        self.environment = environment
        state = Mutex(State(directory: try MerchantDirectory.load(file: file, environment: environment)))
    }

    /// A fixed set of merchants (tests).
    init(_ directory: MerchantDirectory) {
        file = nil
        environment = [:]
        state = Mutex(State(directory: directory))
    }

    var directory: MerchantDirectory { state.withLock { $0.directory } }

    func merchant(_ id: String) -> MerchantDirectory.Merchant? { directory.merchant(id) }

    /// The error of the last reload that was refused, while it is not fixed.
    var lastError: MerchantConfigError? { state.withLock { $0.error } }

    /// Reads the file again; returns whether the merchants changed.
    @discardableResult
    func reload(logger: Logger) -> Bool {
        guard let file else { return false }
        do {
            let loaded = try MerchantDirectory.load(file: file, environment: environment)
            let (changed, wasFailing) = state.withLock { state in
                let changed = state.directory != loaded
                let wasFailing = state.error != nil
                state.directory = loaded
                state.error = nil
                return (changed, wasFailing)
            }
            if changed || wasFailing {
                logger.notice("merchants reloaded", metadata: ["count": "\(loaded.ids.count)"])
            }
            return changed
        } catch {
            let isNew = state.withLock { state in
                defer { state.error = error }
                return state.error?.description != error.description
            }
            if isNew {
                logger.error(
                    "merchants file refused; the merchants before stay in force",
                    metadata: ["file": "\(error.file)", "key": "\(error.key ?? "-")", "reason": "\(error.message)"])
            }
            return false
        }
    }
}
