/// The simulated outcome of a new payment, chosen by a `[sim:…]` tag in its `subject`.
enum PayScenario: Sendable, Equatable {
    /// Charged at once: `SUCCESS`.
    case success
    /// `[sim:insufficient-funds]`: `FAILED`, fail code 2001.
    case insufficientFunds
    /// `[sim:frozen]`: `FAILED`, fail code 2002.
    case frozen
    /// `[sim:busy]`: code 9998, nothing recorded.
    case busy
    /// `[sim:error]`: code 9999, nothing recorded.
    case systemError
    /// `[sim:processing]`: `PROCESSING`, then `SUCCESS` after the processing delay.
    case processing
    /// `[sim:slow]`: charged `SUCCESS` at once, the HTTP answer delayed.
    case slow

    /// The scenario a subject asks for; the first tag (by position) wins, no tag means `.success`.
    init(subject: String) {
        let tags: [(String, PayScenario)] = [
            ("[sim:insufficient-funds]", .insufficientFunds), ("[sim:frozen]", .frozen), ("[sim:busy]", .busy),
            ("[sim:error]", .systemError), ("[sim:processing]", .processing), ("[sim:slow]", .slow),
        ]
        var best: (String.Index, PayScenario)?
        for (tag, scenario) in tags {
            if let range = subject.range(of: tag), best.map({ range.lowerBound < $0.0 }) ?? true {
                best = (range.lowerBound, scenario)
            }
        }
        self = best?.1 ?? .success
    }
}
