import Foundation
import Hummingbird

extension GatewayError: HTTPResponseError {
    /// `{"error": {"code": "...", "message": "..."}}` with the error's status.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        ErrorBody(error: .init(code: code, message: message)).response(status: status)
    }
}

/// The JSON body of every error answer.
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
