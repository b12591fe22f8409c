import ChannelKit
import Testing

@testable import GatewayHost
import PluginInspection

/// Which file of a plugin id serves: semantic versions, not file names; a pin wins while it is loaded.
@Suite("Plugin versions: semantic order, superseded files, pins")
struct PluginSelectionTests {
    @Test("versions order by semantic versioning, never as text")
    func semanticOrder() {
        let ordered = ["0.9.0", "1.0.0-alpha", "1.0.0-alpha.2", "1.0.0-beta", "1.0.0", "1.2.0", "1.9.0", "1.10.0", "2.0.0+build.7", "10.0.0"]
        for (lower, higher) in zip(ordered, ordered.dropFirst()) {
            #expect(SemanticVersion(lower) < SemanticVersion(higher), "\(lower) < \(higher)")
            #expect(!(SemanticVersion(higher) < SemanticVersion(lower)))
        }
        #expect(SemanticVersion("2.0.0+build.7") == SemanticVersion("2.0.0"))
        #expect(SemanticVersion("nightly") < SemanticVersion("0.0.1"), "a version that is not semantic sorts first")
    }

    final class Fake: ChannelPlugin {
        let version: String
        init(version: String) { self.version = version }
        required init() { version = "0.0.0" }
        var manifest: PluginManifest {
            PluginManifest(id: "fake", version: version, displayName: "fake", currencies: [CurrencyBound(Currency(code: "CNY")!, maximumMinorUnits: 1)])
        }
        func makeChannel(context: ChannelContext) async throws -> any PaymentChannel { fatalError("unused") }
    }

    static func record(_ file: String, _ version: String) -> PluginRecord {
        let plugin = Fake(version: version)
        return PluginRecord(
            fileName: file,
            state: .started(PluginBuildInfo(entryRevision: 1, channelKitAPI: "2.0", swiftCompiler: "6.3.1"), plugin, plugin.manifest))
    }

    static func states(_ records: [PluginRecord]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: records.map { ($0.fileName, $0.state.name.rawValue) })
    }

    @Test("the highest version serves whatever the file names; the others are superseded; a pin wins while loaded")
    func selection() {
        // By name, libA (1.10.0) < libB (1.9.0): file-name order would pick the wrong one.
        let records = [Self.record("libA.so", "1.10.0"), Self.record("libB.so", "1.9.0"), Self.record("libC.so", "1.2.0")]
        let (chosen, problems) = PluginSelection.apply(PluginPins(), to: records)
        #expect(problems.isEmpty)
        #expect(Self.states(chosen) == ["libA.so": "started", "libB.so": "superseded", "libC.so": "superseded"])
        #expect(PluginSelection.serving("fake", in: chosen) == "1.10.0")

        let (pinned, _) = PluginSelection.apply(PluginPins(versions: ["fake": "1.2.0"]), to: chosen)
        #expect(Self.states(pinned) == ["libA.so": "superseded", "libB.so": "superseded", "libC.so": "started"])
        #expect(pinned.first { $0.fileName == "libC.so" }!.history.map(\.state) == [.started, .superseded, .started])

        let (missing, problems2) = PluginSelection.apply(PluginPins(versions: ["fake": "3.0.0"]), to: pinned)
        #expect(Self.states(missing)["libA.so"] == "started")
        #expect(problems2 == ["plugin 'fake' is pinned to 3.0.0, which is not loaded: the highest version serves"])
    }
}
