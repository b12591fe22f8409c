import ChannelKit
import HaixiProtocol

/// What came back for one signed message to the bank.
enum HaixiReply: Sendable {
    /// The transport failed; see ``TransportError/requestMayHaveBeenSent``.
    case transportFailed(TransportError)
    /// The bank answered with an HTTP status other than 200 (a 5xx is a server error; anything else an answer
    /// that says nothing verifiable).
    case httpStatus(Int)
    /// An answer came, but it cannot be trusted (shape, signature, or a Head that is not the echo of our
    /// message); `claimedCode` is the unverified RespCode when it could be read.
    case unverifiable(reason: String, claimedCode: String?)
    /// An answer with the bank's valid signature whose Head echoes our TxCode, MerId and SerialNo.
    case verified(HaixiAnswer)
}

/// A verified answer: its `RespCode`, `RespMsg` and Body elements (unescaped).
struct HaixiAnswer: Sendable {
    /// `RespCode`.
    let code: String
    /// `RespMsg` (may be empty).
    let message: String
    /// The Body's elements by name.
    let body: [String: String]

    /// The bank's message, or the document's meaning of the code when the bank gave none.
    var describedMessage: String { message.isEmpty ? HaixiCode.message(for: code) : message }
}
