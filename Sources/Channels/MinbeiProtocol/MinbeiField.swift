/// Field names, services and fixed values of the Minbei interface (document v3.1).
public enum MinbeiField {
    public static let service = "service"
    public static let merchantId = "mer_id"
    public static let orderNo = "order_no"
    public static let refundNo = "refund_no"
    public static let amount = "amount"
    public static let refundAmount = "refund_amount"
    public static let currency = "cur"
    public static let subject = "subject"
    public static let notifyURL = "notify_url"
    public static let reason = "reason"
    public static let billDate = "bill_date"
    public static let respCode = "resp_code"
    public static let respMessage = "resp_msg"
    public static let bankSequence = "bank_seq"
    public static let transTime = "trans_time"
    public static let transType = "trans_type"
    public static let transStatus = "trans_status"
    public static let sign = "sign"
    public static let signType = "sign_type"
    /// The only `sign_type`.
    public static let md5 = "MD5"
}

/// The services, all posted to `path`.
public enum MinbeiService {
    public static let path = "/acq/gateway.do"
    public static let pay = "pay"
    public static let refund = "refund"
    public static let query = "query"
    public static let bill = "bill"
    public static let notify = "notify"
    /// The merchant's answer to a notification: the plain text `success`.
    public static let notifyAnswer = "success"
    /// `trans_type`: a payment, a refund.
    public static let payType = "01"
    public static let refundType = "02"
    /// `trans_status`: succeeded, failed, in process.
    public static let succeeded = "S"
    public static let failed = "F"
    public static let inProcess = "P"
    /// The ISO 4217 numeric code of CNY.
    public static let cny = "156"
}
