extension ScaffoldTemplates {
    /// `Sources/{{Module}}Protocol/{{Module}}API.swift` of a generated package.
    static let sourcesProtocolAPISwift = ScaffoldFile(
        "Sources/{{Module}}Protocol/{{Module}}API.swift",
        #"""
/// The example bank's interface: paths, field names, result codes and states. Shared by the plugin and the
/// simulator, so both sides speak the same protocol.
///
/// PARTNER: replace every value here with the ones in your bank's interface document.
public enum {{Module}}API {
    /// PARTNER: your bank's paths, relative to the channel config's `endpoint`.
    public static let payPath = "pay"
    public static let refundPath = "refund"
    public static let queryPath = "query"
    public static let statementPath = "statement"
    /// The header carrying the hex HMAC-SHA256 of a statement file (and, in the JSON style, of every body).
    public static let signatureHeader = "X-{{Module}}-Signature"
    /// What the plugin answers a notification with; anything else makes the bank send it again.
    public static let notificationReply = "OK"
}

/// Field names of requests, answers and notifications.
public enum {{Module}}Field {
    public static let merchantNo = "merchant_no"
    public static let transactionId = "txn_id"
    public static let originalTransactionId = "orig_txn_id"
    public static let amount = "amount"  // integer minor units, as decimal digits
    public static let currency = "currency"
    public static let subject = "subject"
    public static let notifyURL = "notify_url"
    public static let kind = "kind"  // PAY or REFUND
    public static let code = "code"
    public static let message = "message"
    public static let bankTransactionId = "bank_txn_id"
    public static let state = "state"  // SUCCESS, FAILED or PROCESSING (query answers, notifications)
    public static let reasonCode = "reason_code"  // why a FAILED transaction failed
    public static let finishedAt = "finished_at"  // Unix seconds
    public static let date = "date"  // yyyy-MM-dd
}

/// The bank's result codes.
///
/// PARTNER: your bank's code table. Map each in {{Module}}Outcomes only as its document allows: a code whose
/// meaning is not written down stays pending (unverifiable), never declined.
public enum {{Module}}Code {
    public static let success = "0000"
    public static let insufficientFunds = "1001"
    public static let accountFrozen = "1002"
    public static let refundExceedsPayment = "1003"
    public static let duplicateTransactionId = "1004"
    /// Refused unprocessed: the bank is closed for maintenance; another channel may be tried.
    public static let maintenance = "2001"
    public static let busy = "3001"
    public static let processing = "3002"
    public static let notFound = "4004"
    /// The request's signature did not verify (answered signed with the merchant's key anyway).
    public static let badSignature = "4010"
    public static let systemError = "9999"
}

/// Kinds and states as the bank writes them.
public enum {{Module}}Value {
    public static let pay = "PAY"
    public static let refund = "REFUND"
    public static let succeeded = "SUCCESS"
    public static let failed = "FAILED"
    public static let processing = "PROCESSING"
}
"""#)
}
