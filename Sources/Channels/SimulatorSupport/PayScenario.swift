/// The simulated outcome of a new payment, chosen by a `[sim:…]` tag in its `subject` (or by a drawn ``Fault``).
public enum PayScenario: Sendable, Equatable {
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

    /// The tag names of the scenarios (`[sim:NAME]`).
    public static let tagNames = ["insufficient-funds", "frozen", "busy", "error", "processing", "slow"]

    /// The scenario a subject asks for: its first scenario tag (by position); none means `.success`.
    public init(subject: String) {
        self = SimTag.first(in: subject, among: Self.tagSet).flatMap(Self.init(tagName:)) ?? .success
    }

    private static let tagSet = Set(tagNames)

    /// The scenario of a tag name, `nil` for a name that is not a scenario.
    public init?(tagName: String) {
        switch tagName {
        case "insufficient-funds": self = .insufficientFunds
        case "frozen": self = .frozen
        case "busy": self = .busy
        case "error": self = .systemError
        case "processing": self = .processing
        case "slow": self = .slow
        default: return nil
        }
    }
}
