import ChannelKit
import Foundation

/// Inspects plugin files without a gateway: loads each through `PluginLoader`, the gateway's own steps, and
/// reports what it found (``PluginInspectionReport``).
///
/// The file is loaded into the calling process (dlopen with `RTLD_NODELETE`, and the plugin object is created),
/// exactly as the gateway would: a plugin whose initializer crashes takes the inspecting process with it.
public struct PluginInspector: Sendable {
    /// A file that cannot be inspected at all.
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public var loader: PluginLoader

    public init(loader: PluginLoader = PluginLoader()) {
        self.loader = loader
    }

    /// The report for `path` (made absolute), or `Unreadable` when it is not a readable regular file.
    public func inspect(_ path: String) throws(Unreadable) -> PluginInspectionReport {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            throw Unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw Unreadable(path: path, reason: "a directory, not a plugin file") }
        guard FileManager.default.isReadableFile(atPath: absolute),
            let attributes = try? FileManager.default.attributesOfItem(atPath: absolute)
        else { throw Unreadable(path: path, reason: "not readable") }
        let bytes = (attributes[.size] as? NSNumber)?.int64Value ?? 0

        var reached = "discovered"
        let outcome = loader.load(absolute) { step in
            switch step {
            case .opened: reached = "loaded"
            case .checked: reached = "checked"
            }
        }
        var report = PluginInspectionReport(
            file: absolute, bytes: bytes, definesChannelKit: SharedObjectSymbols.read(absolute)?.definesChannelKit, entryPoint: nil, build: nil,
            buildSource: nil, gateway: PluginInspectionReport.Build(loader.versionCheck.hostBuild), manifest: nil,
            loads: false, failure: nil)
        switch outcome {
        case .started(let info, _, let manifest):
            report.entryPoint = true
            report.build = PluginInspectionReport.Build(info)
            report.buildSource = "entry_point"
            report.manifest = PluginManifestSummary(manifest)
            report.loads = true
        case .failed(let failure, let info):
            if reached != "discovered" { report.entryPoint = failure.code != .noEntryPoint }
            if let info {
                report.build = PluginInspectionReport.Build(info)
                report.buildSource = "entry_point"
            } else if failure.code != .channelKitLibrary, let found = PluginBuildMarker.scan(absolute) {
                report.build = PluginInspectionReport.Build(found)
                report.buildSource = "file_bytes"
            }
            report.failure = PluginInspectionReport.Failure(
                code: failure.code.rawValue, reason: failure.reason, failedAfter: reached)
        }
        return report
    }
}

extension PluginVersionCheck {
    /// The host's versions as a build description.
    public var hostBuild: PluginBuildInfo {
        PluginBuildInfo(entryRevision: hostEntryRevision, channelKitAPI: hostAPI, swiftCompiler: hostCompiler)
    }
}
