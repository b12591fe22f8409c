import Testing

/// Runs `body`; if it throws, records the failure once, with `log` (a process's output) as its comment.
func recordingLog(_ log: @autoclosure () -> String, _ body: () async throws -> Void) async {
    do {
        try await body()
    } catch is ExpectationFailedError {
        // `#require` already recorded the failure; add what the process said.
        Issue.record("log of the process under test:\n\(log())")
    } catch {
        Issue.record(error, "\(log())")
    }
}
