/// `resp_code` values of the Minbei interface (document v3.1, ISO 8583 style). What each means for a payment is
/// the channel's decision table (`MinbeiOutcomeMapper`), not this list's.
public enum MinbeiCode {
    public static let success = "00"
    public static let inProcess = "09"
    public static let doNotHonour = "05"
    public static let insufficientFunds = "51"
    public static let exceedsAmountLimit = "61"
    public static let duplicateOrder = "94"
    public static let notFound = "25"
    public static let signatureError = "A0"
    public static let issuerUnavailable = "91"
    public static let systemMalfunction = "96"
    public static let billNotReady = "B1"

    /// Every code the document lists.
    public static let all = [
        success, inProcess, doNotHonour, insufficientFunds, exceedsAmountLimit, duplicateOrder, notFound,
        signatureError, issuerUnavailable, systemMalfunction, billNotReady,
    ]

    /// The document's meaning of a code.
    public static func message(for code: String) -> String {
        switch code {
        case success: "success"
        case inProcess: "in process"
        case doNotHonour: "do not honour"
        case insufficientFunds: "insufficient funds"
        case exceedsAmountLimit: "exceeds amount limit"
        case duplicateOrder: "duplicate order number"
        case notFound: "original transaction not found"
        case signatureError: "signature error"
        case issuerUnavailable: "issuer unavailable"
        case systemMalfunction: "system malfunction"
        case billNotReady: "statement not generated yet"
        default: "unknown code"
        }
    }
}
