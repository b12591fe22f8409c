import ChannelKit

/// Decides which started file of each plugin id serves: the pinned version when one is pinned and loaded,
/// else the highest semantic version (never the file name: `1.10.0` beats `1.9.0`). The others become
/// `superseded`; a superseded file that is chosen again becomes `started`. Failed files are left as they are.
enum PluginSelection {
    /// `records` with the states set; `pins` whose version is not loaded are returned as problems.
    static func apply(_ pins: PluginPins, to records: [PluginRecord]) -> (records: [PluginRecord], problems: [String]) {
        var records = records
        var byId: [String: [Int]] = [:]
        for (index, record) in records.enumerated() {
            if let loaded = record.loaded { byId[loaded.manifest.id, default: []].append(index) }
        }
        var problems: [String] = []
        for (id, indices) in byId {
            let candidates = indices.sorted { a, b in
                let (x, y) = (records[a].loaded!.manifest.version, records[b].loaded!.manifest.version)
                return SemanticVersion(x) == SemanticVersion(y)
                    ? records[a].fileName > records[b].fileName : SemanticVersion(x) > SemanticVersion(y)
            }
            var chosen = candidates[0]
            if let pinned = pins.versions[id] {
                if let match = candidates.first(where: { records[$0].loaded!.manifest.version == pinned }) {
                    chosen = match
                } else {
                    problems.append("plugin '\(id)' is pinned to \(pinned), which is not loaded: the highest version serves")
                }
            }
            for index in indices {
                let (plugin, manifest, info) = records[index].loaded!
                let serves = index == chosen
                switch (records[index].state, serves) {
                case (.superseded, true): records[index].move(to: .started(info, plugin, manifest))
                case (.started, false): records[index].move(to: .superseded(info, plugin, manifest))
                default: break
                }
            }
        }
        return (records, problems.sorted())
    }

    /// The version that serves, by plugin id.
    static func servingVersions(_ records: [PluginRecord]) -> [String: String] {
        var versions: [String: String] = [:]
        for record in records {
            if let manifest = record.manifest { versions[manifest.id] = manifest.version }
        }
        return versions
    }

    /// The version of `id` that serves, if any.
    static func serving(_ id: String, in records: [PluginRecord]) -> String? {
        servingVersions(records)[id]
    }
}
