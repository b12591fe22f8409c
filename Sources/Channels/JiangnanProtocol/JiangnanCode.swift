/// Result codes of the Jiangnan interface (document v2.3, "Result codes").
public enum JiangnanCode {
    /// Accepted; see `data.status`.
    public static let ok = "0000"
    /// Accepted, still processing.
    public static let processing = "1001"
    /// Insufficient funds.
    public static let insufficientFunds = "2001"
    /// Account frozen.
    public static let accountFrozen = "2002"
    /// Refund exceeds paid amount.
    public static let refundExceedsPaid = "2003"
    /// Duplicate id with different content.
    public static let duplicateMismatch = "2004"
    /// Currency not supported.
    public static let currencyNotSupported = "2005"
    /// Bad signature.
    public static let badSignature = "3001"
    /// Timestamp out of window or nonce reused.
    public static let timestampOrNonce = "3002"
    /// No such transaction.
    public static let notFound = "3004"
    /// Statement not ready.
    public static let statementNotReady = "3005"
    /// Invalid parameter.
    public static let invalidParameter = "4001"
    /// System busy.
    public static let busy = "9998"
    /// System error.
    public static let systemError = "9999"

    /// The document's message for a code.
    public static func message(for code: String) -> String {
        switch code {
        case ok: "ok"
        case processing: "processing"
        case insufficientFunds: "insufficient funds"
        case accountFrozen: "account frozen"
        case refundExceedsPaid: "refund exceeds paid amount"
        case duplicateMismatch: "duplicate id with different content"
        case currencyNotSupported: "currency not supported"
        case badSignature: "bad signature"
        case timestampOrNonce: "timestamp out of window or nonce reused"
        case notFound: "no such transaction"
        case statementNotReady: "statement not ready"
        case invalidParameter: "invalid parameter"
        case busy: "system busy"
        case systemError: "system error"
        default: "unknown code"
        }
    }
}
