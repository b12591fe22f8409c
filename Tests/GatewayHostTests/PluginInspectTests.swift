import Foundation
import Testing

/// `gatewayctl plugins inspect`: what the gateway would see in a plugin file, without a gateway, and the
/// gateway's own verdict. No gateway runs in this suite.
@Suite("gatewayctl plugins inspect reports each fixture without a gateway")
struct PluginInspectTests {
    /// A fixture and what inspect must say of it.
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        /// nil: it loads.
        let code: String?
        let failedAfter: String?
        let texts: [String]
        /// The ChannelKit API version the report names, and where it was read.
        let api: String?
        let source: String?
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(
            file: "libPartnerBank.so", code: nil, failedAfter: nil,
            texts: [
                "ENTRY POINT   channelkit_plugin_entry", "ENTRY STRING  channelkit-entry=1;api=2.0;swift=",
                "PLUGIN        partner-bank", "VERDICT       loads: this gateway would start it",
            ],
            api: "2.0", source: "entry_point"),
        Case(
            file: "libNoEntry.so", code: "no_entry_point", failedAfter: "loaded",
            texts: ["ENTRY POINT   missing", "ENTRY STRING  none found", "VERDICT       refused after loaded: no_entry_point"],
            api: nil, source: nil),
        Case(
            file: "libNewerPlugin.so", code: "newer_channelkit", failedAfter: "discovered",
            texts: [
                "ENTRY POINT   not reached", "channelkit-entry=1;api=2.1;swift=", "(found in the file's bytes)",
                "CHANNELKIT    2.1 (this gateway: 2.0)", "newer than this gateway's 2.0",
            ],
            api: "2.1", source: "file_bytes"),
        Case(
            file: "libWrongCompiler.so", code: "compiler_mismatch", failedAfter: "loaded",
            texts: ["SWIFT         5.10 (this gateway: ", "built with Swift 5.10", "rebuild with Swift"],
            api: "2.0", source: "entry_point"),
        Case(
            file: "libChannelKit.so", code: "channelkit_library", failedAfter: "discovered",
            texts: [
                "CONTAINS      ChannelKit's own symbols", "ENTRY POINT   not reached",
                "this is a copy of ChannelKit's own library", "remove it from the plugins directory",
            ],
            api: nil, source: nil),
    ]

    /// The fixture's path: the conformance of a copied libChannelKit.so is the build's own, copied.
    static func fixture(_ name: String, in directory: TestDirectory) throws -> URL {
        let copies = try directory.subdirectory("files")
        let source = name == "libChannelKit.so" ? try BuildProducts.product(name) : try BuildProducts.fixture(name)
        let copy = copies.appendingPathComponent(name)
        if !FileManager.default.fileExists(atPath: copy.path) { try copy.copy(from: source) }
        return copy
    }

    @Test("text report and exit code of each fixture", arguments: cases)
    func text(_ fixture: Case) async throws {
        let directory = try TestDirectory("plugin-inspect")
        let file = try Self.fixture(fixture.file, in: directory)
        let result = try await GatewayCtlRunner.run(["plugins", "inspect", file.path], in: directory)
        #expect(result.status == (fixture.code == nil ? 0 : 7), "\(result.log)")
        for text in fixture.texts { #expect(result.stdout.contains(text), "\(text)\n\(result.stdout)") }
        if let code = fixture.code, let after = fixture.failedAfter {
            #expect(result.stdout.contains("VERDICT       refused after \(after): \(code): "), "\(result.stdout)")
        }
    }

    @Test("--json: every fixture in one run, the same verdicts; exit 7 while any is refused")
    func json() async throws {
        let directory = try TestDirectory("plugin-inspect-json")
        let files = try Self.cases.map { try Self.fixture($0.file, in: directory).path }
        let result = try await GatewayCtlRunner.run(["plugins", "inspect", "--json"] + files, in: directory)
        #expect(result.status == 7, "\(result.log)")
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        try #require(reports.count == Self.cases.count, "\(result.stdout)")
        let host = try #require(reports[0]["gateway"] as? [String: Any])
        #expect(host["channelkit_api"] as? String == "2.0" && host["entry_revision"] as? Int == 1, "\(host)")
        for (fixture, report) in zip(Self.cases, reports) {
            #expect((report["file"] as? String)?.hasSuffix("/" + fixture.file) == true, "\(report)")
            #expect(report["loads"] as? Bool == (fixture.code == nil), "\(fixture.file): \(report)")
            let failure = report["failure"] as? [String: Any]
            #expect(failure?["code"] as? String == fixture.code, "\(fixture.file): \(report)")
            #expect(failure?["failed_after"] as? String == fixture.failedAfter, "\(fixture.file): \(report)")
            let build = report["build"] as? [String: Any]
            #expect(build?["channelkit_api"] as? String == fixture.api, "\(fixture.file): \(report)")
            #expect(report["build_source"] as? String == fixture.source, "\(fixture.file): \(report)")
            let definesChannelKit = report["defines_channelkit"] as? Bool
            #expect(definesChannelKit == (fixture.file == "libChannelKit.so"), "\(fixture.file): \(report)")
        }
        let manifest = try #require(reports[0]["manifest"] as? [String: Any], "\(reports[0])")
        #expect(manifest["id"] as? String == "partner-bank")
        let currencies = try #require(manifest["currencies"] as? [[String: Any]])
        #expect(currencies.first?["currency"] as? String == "CNY", "\(currencies)")
        #expect(currencies.first?["maximum_minor_units"] as? Int != nil, "\(currencies)")
        #expect(manifest["credentials"] is [[String: Any]] && manifest["required_settings"] is [String], "\(manifest)")
        for report in reports.dropFirst() { #expect(report["manifest"] == nil, "no manifest when refused: \(report)") }
    }

    @Test("the shipped plugins load; a missing file exits 66 and names it; a directory is refused")
    func shippedAndMissing() async throws {
        let directory = try TestDirectory("plugin-inspect-shipped")
        let shipped = try ["libJiangnan.so", "libHaixi.so", "libMinbei.so"].map { try BuildProducts.product($0).path }
        let loaded = try await GatewayCtlRunner.run(["plugins", "inspect"] + shipped, in: directory)
        #expect(loaded.status == 0, "\(loaded.log)")
        for id in ["jiangnan", "haixi", "minbei"] { #expect(loaded.stdout.contains("PLUGIN        \(id) "), "\(loaded.stdout)") }
        #expect(loaded.stdout.contains("STATEMENTS    "), "\(loaded.stdout)")
        let missing = try await GatewayCtlRunner.run(
            ["plugins", "inspect", shipped[0], directory.url.appendingPathComponent("libGone.so").path], in: directory)
        #expect(missing.status == 66, "\(missing.log)")
        #expect(missing.log.contains("libGone.so: no such file"), "\(missing.log)")
        let folder = try await GatewayCtlRunner.run(["plugins", "inspect", directory.url.path], in: directory)
        #expect(folder.status == 66 && folder.log.contains("a directory, not a plugin file"), "\(folder.log)")
    }
}
