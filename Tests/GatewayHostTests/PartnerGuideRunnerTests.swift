import Foundation
import Testing

/// scripts/run-guide.sh, which CI uses to run docs/PARTNER-GUIDE.md as written: it runs exactly the
/// ```` ```sh guide ```` blocks, in order, in one shell, and fails when there is none, when one is not closed
/// or when a command fails. (`make guide` runs the real guide; these check the runner itself.)
@Suite("Partner guide runner")
struct PartnerGuideRunnerTests {
    static func runGuide(_ markdown: String, in directory: TestDirectory) async throws -> (status: Int32, stdout: String, log: String) {
        let file = directory.path("guide-\(UUID().uuidString.prefix(6)).md")
        try file.write(text: markdown)
        let process = try ManagedProcess(
            name: "run-guide", executable: URL(fileURLWithPath: "/bin/bash"),
            arguments: [BuildProducts.repositoryRoot.appendingPathComponent("scripts/run-guide.sh").path, file.path],
            directory: directory)
        let status = await process.waitForExit(timeout: .seconds(60))
        return (status, process.readStdout(), process.readLog())
    }

    @Test("the tagged blocks run in order in one shell; untagged blocks do not run")
    func runsTaggedBlocksInOrder() async throws {
        let directory = try TestDirectory("run-guide-order")
        let result = try await Self.runGuide("""
            # A guide
            ```sh guide
            GREETING=hello
            echo "one $GREETING"
            ```
            Some text.
            ```sh
            echo "an example, not run"
            ```
            ```sh guide
            echo "two $GREETING"
            ```

            """, in: directory)
        #expect(result.status == 0, "\(result.log)")
        #expect(result.stdout == "one hello\ntwo hello\n", "\(result.stdout)")
        #expect(result.log.contains("all 2 blocks"), "\(result.log)")
    }

    @Test("a failing command fails the run and names its block; later blocks do not run")
    func failingBlockFails() async throws {
        let directory = try TestDirectory("run-guide-fail")
        let result = try await Self.runGuide("""
            ```sh guide
            echo first
            ```
            ```sh guide
            false
            echo "after the failure"
            ```
            ```sh guide
            echo third
            ```

            """, in: directory)
        #expect(result.status != 0)
        #expect(result.stdout == "first\n", "\(result.stdout)")
        #expect(result.log.contains("FAILED") && result.log.contains("block 2 of 3"), "\(result.log)")
    }

    @Test("a document without guide blocks, or with an unclosed one, fails")
    func noBlocksFails() async throws {
        let directory = try TestDirectory("run-guide-none")
        let none = try await Self.runGuide("# nothing\n```sh\necho no\n```\n", in: directory)
        #expect(none.status != 0 && none.log.contains("has no"), "\(none.log)")
        let open = try await Self.runGuide("```sh guide\necho never closed\n", in: directory)
        #expect(open.status != 0 && open.log.contains("never closed"), "\(open.log)")
        #expect(!open.stdout.contains("never closed"))
    }

    @Test("the partner guide has its blocks: generate, install with gatewayctl, pay, swift test, reconcile")
    func partnerGuideHasItsSteps() throws {
        let guide = try String(
            contentsOf: BuildProducts.repositoryRoot.appendingPathComponent("docs/PARTNER-GUIDE.md"), encoding: .utf8)
        var blocks: [String] = []
        var current: [Substring]?
        for line in guide.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sh guide" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        let text = blocks.joined(separator: "\n")
        let order = ["gatewayctl plugins new", "\nswift build\n", "install-plugin.sh --gatewayctl", "gatewayctl pay", "swift test",
                     "gatewayctl recon run"]
        let positions = order.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "missing steps: \(zip(order, positions).filter { $0.1 == nil }.map(\.0))")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "steps out of order")
        #expect(text.contains("grep -q '\"status\" *: *\"succeeded\"'"), "the guide does not check that the payment succeeded")
    }
}
