extension ScaffoldTemplates {
    /// `Sources/{{Module}}Sim/main.swift` of a generated package.
    static let sourcesSimMainSwift = ScaffoldFile(
        "Sources/{{Module}}Sim/main.swift",
        #"""
import {{Module}}Simulator
import Foundation

// {{id}}-sim: the example bank as a process, for the gateway to pay against.
//
//   {{id}}-sim [--port N] [--merchant NO] [--secret-env VAR] [--ready-file PATH]
//
// --port 0 (the default) picks a free port; the port is printed and, with --ready-file, written there as
// {"port": N}. The merchant's key is read from the environment variable VAR (default {{ENV}}_SECRET),
// never from the command line. Stops on SIGTERM or Ctrl-C.
var port = 0
var merchant = "{{MerchantNo}}"
var secretVariable = "{{ENV}}_SECRET"
var readyFile: String?
var arguments = CommandLine.arguments.dropFirst()
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("{{id}}-sim: \(message)\n".utf8))
    exit(64)
}
while let argument = arguments.popFirst() {
    guard let value = arguments.popFirst() else { fail("\(argument) needs a value (see the comment in main.swift)") }
    switch argument {
    case "--port": port = Int(value) ?? { fail("--port needs a number") }()
    case "--merchant": merchant = value
    case "--secret-env": secretVariable = value
    case "--ready-file": readyFile = value
    default: fail("unknown option \(argument)")
    }
}
guard let secret = ProcessInfo.processInfo.environment[secretVariable], !secret.isEmpty else {
    fail("set \(secretVariable) to merchant \(merchant)'s key")
}
let simulator: {{Module}}Simulator
do {
    simulator = try {{Module}}Simulator(port: port, merchants: [merchant: secret])
} catch {
    fail("cannot listen: \(error)")
}
print("{{id}}-sim: listening on \(simulator.url.absoluteString) for merchant \(merchant)")
if let readyFile {
    let temporary = readyFile + ".tmp"
    _ = FileManager.default.createFile(atPath: temporary, contents: Data("{\"port\": \(simulator.port)}\n".utf8))
    _ = rename(temporary, readyFile)
}
while true { try await Task.sleep(for: .seconds(3600)) }
"""#)
}
