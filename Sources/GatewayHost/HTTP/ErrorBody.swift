import Foundation
import Hummingbird

/// The JSON body of every error answer: `{"error": {"code": "...", "message": "..."}}`. `ErrorMiddleware`
/// is the one place that turns errors into it.
struct ErrorBody: Codable, Sendable {
    struct Detail: Codable, Sendable {
        var code: String
        var message: String
    }
    var error: Detail

    func response(status: HTTPResponse.Status) -> Response {
        let data = (try? JSONEncoder().encode(self)) ?? Data(#"{"error":{"code":"internal_error","message":"error"}}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
