import SimulatorSupport
import JiangnanProtocol

/// What the bank answers to one request, before it is encoded and signed.
struct BankReply: Sendable {
    /// The body behind the result code.
    enum Payload: Sendable {
        /// `data` is `{}`.
        case none
        /// `data` is a payment.
        case trade(JiangnanTradeData)
        /// `data` is a refund.
        case refund(JiangnanRefundData)
        /// Not an envelope: the statement file.
        case statement(String)
    }

    /// The result code (`0000` for a statement file).
    var code: String
    var payload: Payload = .none
    /// Delay before the answer is sent (`[sim:slow]`).
    var delayMilliseconds: Int = 0
    /// The fault applied to this request, if any; it also decides how the answer is sent.
    var fault: Fault?

    /// An answer with `data` `{}`.
    static func code(_ code: String, fault: Fault? = nil) -> BankReply {
        BankReply(code: code, fault: fault)
    }

    /// A payment answer: `1001` while `PROCESSING`, `0000` otherwise.
    static func payment(_ payment: PaymentRecord, processingCode: String = JiangnanCode.processing) -> BankReply {
        BankReply(
            code: payment.status == .processing ? processingCode : JiangnanCode.ok, payload: .trade(payment.wireData))
    }

    /// A refund answer.
    static func refund(_ refund: RefundRecord) -> BankReply {
        BankReply(code: JiangnanCode.ok, payload: .refund(refund.wireData))
    }
}
