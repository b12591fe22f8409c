import SimulatorSupport
import Foundation
import JiangnanProtocol

/// Parameter checks of the interface document; a failure is answered `4001` with nothing processed.
enum RequestValidation {
    /// The supported currency; any other answers `2005`.
    static let supportedCurrency = "CNY"

    /// A pay body, or `nil` when it is malformed, lacks a field or has an invalid one.
    static func payBody(_ data: Data) -> JiangnanPayBody? {
        guard let body = try? JSONDecoder().decode(JiangnanPayBody.self, from: data),
            JiangnanRules.isValidCallerId(body.out_trade_no),
            isValidAmount(body.amount),
            !body.currency.isEmpty,
            (1...128).contains(body.subject.count),
            isValidNotifyURL(body.notify_url)
        else { return nil }
        return body
    }

    /// A refund body, or `nil` when it is malformed, lacks a field or has an invalid one.
    static func refundBody(_ data: Data) -> JiangnanRefundBody? {
        guard let body = try? JSONDecoder().decode(JiangnanRefundBody.self, from: data),
            JiangnanRules.isValidCallerId(body.out_refund_no),
            JiangnanRules.isValidCallerId(body.out_trade_no),
            isValidAmount(body.refund_amount)
        else { return nil }
        return body
    }

    /// A query body naming exactly one valid id, or `nil`.
    static func queryBody(_ data: Data) -> JiangnanQueryBody? {
        guard let body = try? JSONDecoder().decode(JiangnanQueryBody.self, from: data) else { return nil }
        switch (body.out_trade_no, body.out_refund_no) {
        case (let id?, nil), (nil, let id?):
            return JiangnanRules.isValidCallerId(id) ? body : nil
        default:
            return nil
        }
    }

    /// The `date` parameter of a statement target: exactly `yyyyMMdd`, a real calendar date; `nil` otherwise.
    static func statementDate(target: String) -> (day: String, start: Date)? {
        guard let question = target.firstIndex(of: "?") else { return nil }
        let query = target[target.index(after: question)...]
        let values = query.split(separator: "&", omittingEmptySubsequences: false).compactMap { item -> Substring? in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return parts.count == 2 && parts[0] == "date" ? parts[1] : nil
        }
        guard values.count == 1, let value = values.first, value.utf8.count == 8,
            value.utf8.allSatisfy({ (48...57).contains($0) }),
            let start = JiangnanTime.startOfDay(String(value))
        else { return nil }
        return (String(value), start)
    }

    /// Ids named in a body, read leniently for the request log (also for rejected requests).
    static func loggedIds(_ data: Data) -> (outTradeNo: String?, outRefundNo: String?) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return (nil, nil) }
        return (object["out_trade_no"] as? String, object["out_refund_no"] as? String)
    }

    private static func isValidAmount(_ amount: Int64) -> Bool {
        (1...JiangnanRules.maximumAmount).contains(amount)
    }

    private static func isValidNotifyURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return false }
        return true
    }
}
