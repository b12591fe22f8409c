import ArgumentParser
import Foundation
import NIOCore

extension GlobalOptions {
    /// GETs an admin API path; on failure prints the reason to stderr and throws the documented exit code.
    func fetch(_ path: String) async throws -> [UInt8] {
        let client = AdminClient(url: try adminURL, timeout: .seconds(Int64(timeout)), token: try adminToken)
        do {
            return try await client.get(path)
        } catch {
            throw Self.fail(error)
        }
    }

    /// POSTs a JSON body to an admin API path; failures as `fetch`.
    func post(_ path: String, body: [UInt8]) async throws -> [UInt8] {
        let client = AdminClient(url: try adminURL, timeout: .seconds(Int64(timeout)), token: try adminToken)
        do {
            return try await client.post(path, body: body)
        } catch {
            throw Self.fail(error)
        }
    }

    /// Like `post`, but hands back the client error (so a caller can fall back when the gateway is down).
    func tryPost(_ path: String, body: [UInt8]) async throws -> Result<[UInt8], AdminClientError> {
        let client = AdminClient(url: try adminURL, timeout: .seconds(Int64(timeout)), token: try adminToken)
        do {
            return .success(try await client.post(path, body: body))
        } catch {
            return .failure(error)
        }
    }

    /// Decodes an admin API answer, or fails with exit 4.
    func decode<Value: Decodable>(_ type: Value.Type, from body: [UInt8], path: String) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw Self.fail(.unreadable(url: (try? adminURL.appending(path: path)) ?? path, reason: "\(error)"))
        }
    }

    /// Prints an answer as pretty JSON, or as received when it is not JSON.
    func printJSON(_ body: [UInt8]) {
        Output.printJSON(body)
    }

    /// Reports `error` on stderr and returns the exit code to throw.
    static func fail(_ error: AdminClientError) -> ExitCode {
        FileHandle.standardError.write(Data((error.message + "\n").utf8))
        return error.exitCode
    }
}
