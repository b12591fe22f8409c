import Crypto
import Foundation

/// Builds bank notifications the way the Jiangnan bank sends them (`/work/shared/banks/jiangnan.md`,
/// "Signing" and "Notifications"): `{"event": "trade.finished", "data": {...as query}}`, POSTed with
/// `X-JN-MerchantNo`, `X-JN-Timestamp`, `X-JN-Nonce` and `X-JN-Signature` =
/// `hex(HMAC-SHA256(secret, "POST\nTARGET\nTIMESTAMP\nNONCE\nhex(SHA256(BODY))"))`, TARGET being the path of the
/// notify URL.
///
/// Written from the bank's document, independently of the plugin's and the simulator's code (which share
/// `JiangnanProtocol`), so a test that uses it checks the plugin against the spec rather than against itself;
/// `NotificationTests` checks it against the document's test vector.
struct JiangnanNotificationBuilder {
    /// A notification ready to POST.
    struct Message {
        var headers: [String: String]
        var body: Data
    }

    /// `data` of a `trade.finished` notification (the same fields as a payment query answer).
    struct TradeData: Encodable {
        var out_trade_no: String
        var trade_no: String
        var status: String
        var amount: Int64
        var finished_at: String
        var fail_code = ""
        var fail_msg = ""
    }

    private struct Body: Encodable {
        var event: String
        var data: TradeData
    }

    var merchantNo = SimulatorProcess.merchantNumber
    var secret = SimulatorProcess.secret
    /// The path of the gateway's notify URL for the channel, as the bank signs it.
    var target = "/v1/notify/jiangnan"

    /// The JSON body of a `trade.finished` notification.
    static func tradeFinished(_ data: TradeData) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(Body(event: "trade.finished", data: data))
    }

    /// `body` with the bank's headers, signed now (or at `timestampMs`) with a fresh nonce.
    func signed(_ body: Data, timestampMs: Int64? = nil, nonce: String? = nil) -> Message {
        let timestamp = String(timestampMs ?? Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        let nonce = nonce ?? "n-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20).lowercased()
        return Message(
            headers: [
                "X-JN-MerchantNo": merchantNo,
                "X-JN-Timestamp": timestamp,
                "X-JN-Nonce": nonce,
                "X-JN-Signature": Self.signature(
                    secret: secret, method: "POST", target: target, timestamp: timestamp, nonce: nonce, body: body),
            ],
            body: body)
    }

    /// The bank's signature of one message.
    static func signature(secret: String, method: String, target: String, timestamp: String, nonce: String, body: Data)
        -> String
    {
        let text = "\(method)\n\(target)\n\(timestamp)\n\(nonce)\n\(hex(SHA256.hash(data: body)))"
        return hex(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(secret.utf8))))
    }

    /// Lowercase hex.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
