/// `RespCode` and `TxStatus` values, operation codes and element names of the Haixi interface (document v1.8).
/// What each code means for a payment is the channel's decision table, not this list's.
public enum HaixiCode {
    public static let accepted = "000000"
    public static let processing = "100001"
    public static let insufficientBalance = "200001"
    public static let accountAbnormal = "200002"
    public static let refundOverOriginal = "200003"
    public static let duplicateSerialMismatch = "200004"
    public static let signatureFailed = "300001"
    public static let formatError = "300002"
    public static let notFound = "300004"
    public static let billNotReady = "300005"
    public static let busy = "999999"

    /// Every RespCode the document lists.
    public static let all = [
        accepted, processing, insufficientBalance, accountAbnormal, refundOverOriginal, duplicateSerialMismatch,
        signatureFailed, formatError, notFound, billNotReady, busy,
    ]

    /// The document's meaning of a code.
    public static func message(for code: String) -> String {
        switch code {
        case accepted: "accepted"
        case processing: "processing"
        case insufficientBalance: "insufficient balance"
        case accountAbnormal: "card/account abnormal"
        case refundOverOriginal: "refund amount over the original"
        case duplicateSerialMismatch: "duplicate SerialNo with different content"
        case signatureFailed: "signature verification failed"
        case formatError: "message format error"
        case notFound: "original transaction not found"
        case billNotReady: "bill not generated yet"
        case busy: "system busy, try later"
        default: "unknown code"
        }
    }
}

/// `TxStatus`: success, processing, failed.
public enum HaixiStatus {
    public static let success = "00"
    public static let processing = "01"
    public static let failed = "02"
}

/// `TxCode` of each operation and notification.
public enum HaixiTxCode {
    /// The one endpoint every message is posted to.
    public static let path = "/gateway"
    public static let pay = "1001"
    public static let refund = "1002"
    public static let query = "1003"
    public static let statement = "1004"
    public static let payNotification = "2001"
    public static let refundNotification = "2002"
}

/// Element names of the Head and the Bodies.
public enum HaixiElement {
    public static let txCode = "TxCode"
    public static let merchantId = "MerId"
    public static let txTime = "TxTime"
    public static let serialNo = "SerialNo"
    public static let respCode = "RespCode"
    public static let respMessage = "RespMsg"
    public static let amount = "Amount"
    public static let currency = "Currency"
    public static let subject = "Subject"
    public static let notifyURL = "NotifyUrl"
    public static let originalSerialNo = "OrigSerialNo"
    public static let reason = "Reason"
    public static let querySerialNo = "QuerySerialNo"
    public static let billDate = "BillDate"
    public static let bankSerialNo = "BankSerialNo"
    public static let txStatus = "TxStatus"
    public static let finishTime = "FinishTime"
    public static let txType = "TxType"
    public static let fileName = "FileName"
    public static let fileSize = "FileSize"
    public static let fileContent = "FileContent"
}
