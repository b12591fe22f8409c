import Foundation
import HTTPTypes
import Hummingbird

/// Requires a bearer token (`Authorization: Bearer <token>`, one of `AdminTokens`) on everything under
/// `/admin/`; `/healthz` and `/metrics` stay open for load balancers and scrapers. A request without a valid
/// token is answered 401 before any handler runs, so it changes nothing. The token's name is logged with
/// the request ("who").
struct AdminAuthenticator<Context: RequestContext>: RouterMiddleware {
    var tokens: AdminTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        guard path == "/admin" || path.hasPrefix("/admin/") else { return try await next(request, context) }
        guard let authorization = request.headers[.authorization] else {
            throw Self.refusal("admin_token_required", "this admin request needs `Authorization: Bearer <token>`")
        }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", let name = tokens.name(of: String(parts[1])) else {
            throw Self.refusal("invalid_admin_token", "the admin token is not one of the gateway's admin tokens")
        }
        var context = context
        context.logger[metadataKey: "admin_token"] = "\(name)"
        context.logger.info("admin request", metadata: ["method": "\(request.method.rawValue)", "path": "\(path)"])
        return try await AdminIdentity.$name.withValue(name) { try await next(request, context) }
    }

    static func refusal(_ code: String, _ message: String) -> GatewayError {
        GatewayError(.unauthorized, code, message)
    }
}
