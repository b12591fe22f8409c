import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The id of one request: taken from a valid `X-Request-Id` (1–128 characters of `[A-Za-z0-9._:-]`),
/// otherwise generated (`req_` + 24 hex digits). It is bound as a task-local for the request's whole life,
/// so every log line the request causes carries `request_id` — the payments core's, the store's and the
/// channel plugin's (through `metadataProvider`, installed when logging is bootstrapped) — and it is returned
/// in the response's `X-Request-Id`, errors included.
enum RequestId {
    @TaskLocal static var current: String?

    static let header = HTTPField.Name("X-Request-Id")!

    /// Adds `request_id` to every log line written inside a request.
    static let metadataProvider = Logger.MetadataProvider {
        current.map { ["request_id": .string($0)] } ?? [:]
    }

    static func isValid(_ text: String) -> Bool {
        (1...128).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
            }
    }

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return "req_" + String((0..<24).map { _ in digits[Int(generator.next() % 16)] })
    }
}

/// Binds the request id (see ``RequestId``) around everything else; the outermost middleware, so that error
/// answers carry the header too.
struct RequestIdMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let id = request.headers[RequestId.header].flatMap { RequestId.isValid($0) ? $0 : nil } ?? RequestId.generate()
        var response = try await RequestId.$current.withValue(id) { try await next(request, context) }
        response.headers[RequestId.header] = id
        return response
    }
}
