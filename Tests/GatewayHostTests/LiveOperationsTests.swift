import Testing

/// The suites that drive live operations under a steady flow of payments (toggles, reloads, upgrades,
/// retirements, metrics). They run one after another — each loads the machine with its own flow — while the
/// rest of the test suites run beside them.
@Suite("Live operations", .serialized)
struct LiveOperationsTests {}
