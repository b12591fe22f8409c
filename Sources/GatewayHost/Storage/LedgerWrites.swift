import Metrics

/// Counts the ledger's write transactions, by who asked and for what:
/// `gateway_ledger_write_transactions_total{origin, operation}`.
///
/// Every write transaction a store runs counts once — on SQLite each unit of work of `SQLiteGroupCommit` (the
/// group commit may fold several into one COMMIT), on PostgreSQL each `transaction` and each single-statement
/// write. `origin` is the task-local `LedgerWrites.origin` of the caller: the merchant API sets
/// `merchant_request`, bank notifications `bank_notification`, the webhook dispatcher `webhook`, recovery
/// `recovery`; anything else is `background`. `operation` is the store method (`insertPayment`, `updatePayment`…).
/// It shows ops the ledger's write rate per source, and is how the tests hold a new payment answered at once to
/// two durable writes on its request path (`WriteTransactionCountTests`).
enum LedgerWrites {
    /// Who the current task writes for.
    @TaskLocal static var origin = "background"

    static let metric = "gateway_ledger_write_transactions_total"

    /// Counts one write transaction of `operation` (a `#function` text; its name up to the parenthesis).
    static func count(_ operation: String) {
        let name = operation.firstIndex(of: "(").map { String(operation[..<$0]) } ?? operation
        Counter(label: metric, dimensions: [("origin", origin), ("operation", name)]).increment()
    }
}
