import SimulatorSupport
import Foundation
import HTTPTypes
import Hummingbird
import JiangnanProtocol

/// Checks a request's merchant number, signature, timestamp window and nonce, in that order.
struct RequestAuthenticator: Sendable {
    /// The outcome of authentication.
    enum Verdict: Sendable {
        /// No or unknown `X-JN-MerchantNo`: 3001, answered unsigned.
        case unknownMerchant
        /// Known merchant, refused with `code` (3001 bad signature, 3002 window/nonce); answered signed.
        case refused(merchantNo: String, signer: JiangnanSigner, code: String)
        /// Authentic, fresh and first seen: process it.
        case accepted(merchantNo: String, signer: JiangnanSigner)
    }

    let merchants: MerchantDirectory
    let ledger: BankLedger

    /// Authenticates one request received at sim-clock time `now`.
    func authenticate(method: String, target: String, headers: HTTPFields, body: Data, now: Int64) async -> Verdict {
        guard let merchantNo = headers[HeaderName.merchantNo], let signer = merchants.signer(for: merchantNo) else {
            return .unknownMerchant
        }
        let timestamp = headers[HeaderName.timestamp] ?? ""
        let nonce = headers[HeaderName.nonce] ?? ""
        guard let signature = headers[HeaderName.signature],
            signer.isValid(signature, method: method, target: target, timestamp: timestamp, nonce: nonce, body: body)
        else {
            return .refused(merchantNo: merchantNo, signer: signer, code: JiangnanCode.badSignature)
        }
        guard let sent = Self.milliseconds(timestamp),
            abs(now - sent) <= JiangnanRules.timestampWindowMilliseconds,
            JiangnanRules.isValidNonce(nonce),
            await ledger.admitNonce(nonce, merchantNo: merchantNo, now: now)
        else {
            return .refused(merchantNo: merchantNo, signer: signer, code: JiangnanCode.timestampOrNonce)
        }
        return .accepted(merchantNo: merchantNo, signer: signer)
    }

    /// A timestamp header: 1–15 ASCII digits.
    private static func milliseconds(_ text: String) -> Int64? {
        guard (1...15).contains(text.utf8.count), text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int64(text)
    }
}

/// The `X-JN-*` header names as `HTTPField.Name`s.
enum HeaderName {
    static let merchantNo = HTTPField.Name(JiangnanHeaders.merchantNo)!
    static let timestamp = HTTPField.Name(JiangnanHeaders.timestamp)!
    static let nonce = HTTPField.Name(JiangnanHeaders.nonce)!
    static let signature = HTTPField.Name(JiangnanHeaders.signature)!
}
