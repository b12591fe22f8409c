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
