import Testing

/// The heaviest end-to-end suites — the chaos run (1,000 payments, faults, SIGKILL), the reconciliation
/// suites that generate and reconcile 100,000 rows or run several gateways, the limits and routing runs of
/// thousands of payments — run one after another: the chaos
/// run checks that recovery queries (not only notifications) resolved payments, a race that load from another
/// heavy suite on the same 2 cores can tip. The rest of the test suites still run beside them.
@Suite("End-to-end load suites, one at a time", .serialized)
struct EndToEndLoadTests {}
