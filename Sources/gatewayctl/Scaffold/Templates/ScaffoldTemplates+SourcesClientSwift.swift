extension ScaffoldTemplates {
    /// `Sources/{{Module}}/{{Module}}Client.swift` of a generated package.
    static let sourcesClientSwift = ScaffoldFile(
        "Sources/{{Module}}/{{Module}}Client.swift",
        #"""
import {{Module}}Protocol
import ChannelKit
import Foundation

/// Sends signed requests to the bank through the gateway's transport and verifies its answers.
struct {{Module}}Client: Sendable {
    /// Why a call produced no verified answer.
    enum Failure: Error {
        /// The transport failed (nothing sent, timed out, connection lost, unreadable answer).
        case transport(TransportError)
        /// The bank answered with an HTTP status other than 200.
        case status(Int)
        /// The answer's signature or format did not verify.
        case unverifiable(String)

        /// The pending (or not sent) outcome of a pay or refund call that failed this way. Never a decline:
        /// the bank may have processed a request whose answer we could not read.
        var outcome: ChannelOutcome {
            switch self {
            case .transport(let error): ChannelOutcome(transportFailure: error)
            case .status(let status) where status >= 500:
                .pending(.serverError, bankCode: "HTTP \(status)", message: "the bank answered HTTP \(status)")
            case .status(let status):
                .pending(.unverifiable, bankCode: "HTTP \(status)", message: "the bank answered HTTP \(status)")
            case .unverifiable(let reason): .pending(.unverifiable, message: reason)
            }
        }

        /// The result of a query that failed this way: pending, never a decline.
        var queryResult: QueryResult {
            if case .transport(let error) = self { return QueryResult(transportFailure: error) }
            return .found(outcome)
        }
    }

    let context: ChannelContext
    let settings: {{Module}}Settings

    /// POSTs the signed `fields` to `path` and returns the answer's fields once its signature verified.
    func call(_ path: String, _ fields: [String: String]) async -> Result<[String: String], Failure> {
        let message = {{Module}}Wire.encode(fields, key: settings.signingKey)
        let request = HTTPRequestMessage(
            method: "POST", url: context.configuration.endpoint.appendingPathComponent(path),
            headers: message.headers.map { HTTPHeaderField($0.name, $0.value) }, body: Data(message.body),
            timeout: context.configuration.timeouts.request)
        let response: HTTPResponseMessage
        do {
            response = try await context.transport.execute(request)
        } catch let error as TransportError {
            return .failure(.transport(error))
        } catch {
            return .failure(.transport(TransportError(.connectionLost, String(describing: error))))
        }
        guard response.status == 200 else { return .failure(.status(response.status)) }
        do {
            let answer = try {{Module}}Wire.decode(
                Array(response.body), header: { response.headers.value(for: $0) }, keys: settings.verificationKeys)
            return .success(answer)
        } catch {
            context.logger.warning("unverifiable answer", metadata: ["path": path, "reason": error.reason])
            return .failure(.unverifiable(error.reason))
        }
    }
}
"""#)
}
