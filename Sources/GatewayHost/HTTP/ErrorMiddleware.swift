import Foundation
import Hummingbird
import Logging

/// Maps every error to a JSON answer at the edge: gateway errors keep their code and message; Hummingbird's
/// own (404 route, 413 body too large...) get a matching code; anything unexpected is logged with the request
/// id and answered with a generic 500 that leaks nothing.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            if error.status.code >= 500 {
                context.logger.error("request failed", metadata: ["code": "\(error.code)"])
            }
            var response = ErrorBody(error: .init(code: error.code, message: error.message, limit: error.limit.map(ErrorBody.Limit.init)))
                .response(status: error.status)
            if let seconds = error.retryAfter { response.headers[.retryAfter] = String(seconds) }
            return response
        } catch let error as HTTPError {
            let code: String =
                switch error.status.code {
                case 404: "not_found"
                case 405: "method_not_allowed"
                case 413: "payload_too_large"
                default: error.status.code < 500 ? "invalid_request" : "internal_error"
                }
            let message = error.status.code < 500 ? (error.body ?? error.status.reasonPhrase) : GatewayError.internalError.message
            return ErrorBody(error: .init(code: code, message: message)).response(status: error.status)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return ErrorBody(error: .init(code: GatewayError.internalError.code, message: GatewayError.internalError.message))
                .response(status: .internalServerError)
        }
    }
}
