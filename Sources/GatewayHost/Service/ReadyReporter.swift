import Foundation

/// Writes the ready file once both listeners are bound: `{"merchant_port": N, "admin_port": M, "pid": P}`,
/// written to a temporary name and renamed, so a reader never sees half a file.
actor ReadyReporter {
    private let path: String?
    private var merchantPort: Int?
    private var adminPort: Int?
    private let onReady: @Sendable (Int, Int) -> Void

    init(path: String?, onReady: @escaping @Sendable (Int, Int) -> Void) {
        self.path = path
        self.onReady = onReady
    }

    func merchantListening(on port: Int) { merchantPort = port; report() }
    func adminListening(on port: Int) { adminPort = port; report() }

    private func report() {
        guard let merchantPort, let adminPort else { return }
        onReady(merchantPort, adminPort)
        guard let path else { return }
        let json = #"{"merchant_port": \#(merchantPort), "admin_port": \#(adminPort), "pid": \#(getpid())}"#
        let temporary = path + ".tmp-\(getpid())"
        _ = FileManager.default.createFile(atPath: temporary, contents: Data(json.utf8))
        _ = rename(temporary, path)
    }
}
