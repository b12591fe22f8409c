/// A failure of the test harness itself (a missing build product, a process that did not start...).
struct HarnessError: Error, CustomStringConvertible {
    /// What went wrong, with any log that explains it.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
