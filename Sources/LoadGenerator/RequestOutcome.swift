/// What became of one request.
enum RequestOutcome: Sendable, Equatable {
    /// Success: HTTP 2xx from the gateway, HTTP 200 with code `0000` from the simulator. `detail` is the payment
    /// status the answer carried (`succeeded`, `pending`, `SUCCESS`, ...), for the breakdown in the summary.
    case success(detail: String)
    /// Anything else, by kind: `http_401`, `code_3001`, `timeout`, `connect`, `dropped`, ...
    case failure(kind: String)

    /// The kind of error counted when an open-loop request is not sent because `--max-outstanding` requests
    /// are still waiting for their answers.
    static let droppedKind = "dropped"
}
