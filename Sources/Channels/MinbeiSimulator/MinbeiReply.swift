import MinbeiProtocol
import SimulatorSupport

/// What the simulated bank answers one request with, before faults and signing.
struct MinbeiReply: Sendable {
    enum Payload: Sendable {
        /// A signed form: `resp_code`, `resp_msg` and these fields.
        case form([(name: String, value: String)])
        /// The gzip'd statement file (`application/x-gzip`).
        case statement([UInt8])
    }

    /// `resp_code` (`00` for a statement file).
    var code: String
    var payload: Payload = .form([])
    /// Extra delay before answering (a `slow` payment).
    var delayMilliseconds = 0
    /// The fault applied to the answer, recorded with the request.
    var fault: Fault?
    /// The message for `resp_msg`; the document's message of the code when `nil`.
    var message: String?

    /// A bare code.
    static func code(_ code: String, _ message: String? = nil, fault: Fault? = nil) -> MinbeiReply {
        MinbeiReply(code: code, fault: fault, message: message)
    }

    /// The fields of the form answer, `resp_code` and `resp_msg` first.
    var formFields: [(name: String, value: String)] {
        let fields: [(name: String, value: String)] =
            if case .form(let fields) = payload { fields } else { [] }
        return [(MinbeiField.respCode, code), (MinbeiField.respMessage, message ?? MinbeiCode.message(for: code))] + fields
    }
}
