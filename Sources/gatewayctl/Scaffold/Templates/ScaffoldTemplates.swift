/// The files of a generated plugin package, one template per file (`ScaffoldTemplates+*.swift`): the same for
/// every style except the wire format. The templates are the example package for `acme-bank` with its names
/// replaced by placeholders (``ScaffoldFile``); PartnerScaffoldTests builds and runs what they generate.
enum ScaffoldTemplates {
    /// Every file of a package in `style`.
    static func files(for style: ScaffoldStyle) -> [ScaffoldFile] {
        common + [wire(style)]
    }

    /// The files every style shares.
    static let common: [ScaffoldFile] = [
        channelConfigsYaml,
        gitignore,
        packageManifest,
        readme,
        scriptsInstallPluginSh,
        sourcesChannelSwift,
        sourcesClientSwift,
        sourcesNotificationsSwift,
        sourcesOutcomesSwift,
        sourcesPluginEntrySwift,
        sourcesPluginSwift,
        sourcesProtocolAPISwift,
        sourcesProtocolSHA256Swift,
        sourcesProtocolStatementFormatSwift,
        sourcesProtocolWireErrorSwift,
        sourcesSettingsSwift,
        sourcesSimMainSwift,
        sourcesSimulatorSimulatorBankSwift,
        sourcesSimulatorSimulatorSwift,
        sourcesStatementParserSwift,
        sourcesStatementsSwift,
        testsTestsChannelTestsSwift,
        testsTestsConformanceTestsSwift,
        testsTestsWireTestsSwift,
    ]

    /// The wire format of `style`.
    static func wire(_ style: ScaffoldStyle) -> ScaffoldFile {
        switch style {
        case .json: wireJson
        case .form: wireForm
        case .xml: wireXml
        }
    }
}
