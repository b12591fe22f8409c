import Foundation
import Hummingbird

/// The JSON body of every error answer: `{"error": {"code": "...", "message": "..."}}`. `ErrorMiddleware`
/// is the one place that turns errors into it.
struct ErrorBody: Codable, Sendable {
    struct Detail: Codable, Sendable {
        var code: String
        var message: String
        /// `limit_exceeded`: which limit.
        var limit: Limit? = nil
    }

    /// The limit a payment would exceed.
    struct Limit: Codable, Sendable {
        /// `channel`, `merchant` or `merchant_channel`.
        var scope: String
        /// `min_amount`, `max_amount`, `daily_amount` or `daily_count`.
        var name: String
        var channel: String?
        var merchant: String?
        var currency: String
        /// The limit's value: minor units, or a number of payments for `daily_count`.
        var value: Int64

        init(_ refusal: LimitRefusal) {
            scope = refusal.scope.rawValue
            name = refusal.kind.rawValue
            channel = refusal.channelId
            merchant = refusal.merchantId
            currency = refusal.currency
            value = refusal.limit
        }
    }
    var error: Detail

    func response(status: HTTPResponse.Status) -> Response {
        let data = (try? JSONEncoder().encode(self)) ?? Data(#"{"error":{"code":"internal_error","message":"error"}}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
