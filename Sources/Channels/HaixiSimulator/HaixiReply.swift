import HaixiProtocol
import SimulatorSupport

/// What the simulated bank answers one message with, before faults and signing.
struct HaixiReply: Sendable {
    /// `RespCode`.
    var code: String
    /// The Body's elements in the document's order.
    var body: [(name: String, value: String)] = []
    /// Extra delay before answering (a `slow` payment).
    var delayMilliseconds = 0
    /// The fault applied to the answer, recorded with the request.
    var fault: Fault?
    /// `RespMsg`; the document's meaning of the code when `nil`.
    var message: String?

    /// A bare code.
    static func code(_ code: String, _ message: String? = nil, fault: Fault? = nil) -> HaixiReply {
        HaixiReply(code: code, fault: fault, message: message)
    }

    /// The answer's `RespMsg`.
    var respMessage: String { message ?? HaixiCode.message(for: code) }
}
