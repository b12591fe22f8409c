import ChannelKit
import Foundation
import Yams

/// The routing file (`routing.yaml` beside the channel configs, reloaded like them): which channels a payment
/// that names none is tried on, in which order. The first rule whose `match` holds decides; a payment no rule
/// matches goes to every channel that takes it, by id.
///
/// ```yaml
/// rules:
///   - name: large-cny
///     match: {currency: CNY, min_amount: 1000000}       # every condition given must hold
///     channels: [haixi, jiangnan]                       # tried in this order
///   - name: east-split
///     match:
///       currency: [CNY]
///       max_amount: 999999                              # minor units, inclusive
///       merchants: [m1, m2]
///       payer_bank: [ICBC, CCB]                         # the request's payer.bank
///       payer_region: [east]                            # the request's payer.region
///       metadata: {tier: gold}                          # the request's metadata, each key equal
///     split: {jiangnan: 70, minbei: 30}                 # percentages (sum 100): the first channel tried
///     fallback: [haixi]                                 # after the split's channels
///   - name: cny-best
///     match: {currency: CNY}
///     channels: [jiangnan, minbei]                      # equal channels:
///     prefer: success_rate                              # best recent success rate first,
///     explore_percent: 10                               # but this share tries another first (default 10)
/// ```
public struct RoutingRules: Hashable, Sendable {
    public struct Match: Hashable, Sendable {
        public var currencies: [Currency]?
        public var minAmount: Int64?
        public var maxAmount: Int64?
        public var merchants: [String]?
        public var payerBanks: [String]?
        public var payerRegions: [String]?
        public var metadata: [String: String]?

        public init() {}

        /// Whether a payment with these attributes matches.
        public func matches(
            amount: Money, merchant: String, payerBank: String?, payerRegion: String?, metadata: [String: String]?
        ) -> Bool {
            if let currencies, !currencies.contains(amount.currency) { return false }
            if let minAmount, amount.minorUnits < minAmount { return false }
            if let maxAmount, amount.minorUnits > maxAmount { return false }
            if let merchants, !merchants.contains(merchant) { return false }
            if let payerBanks, !(payerBank.map(payerBanks.contains) ?? false) { return false }
            if let payerRegions, !(payerRegion.map(payerRegions.contains) ?? false) { return false }
            if let wanted = self.metadata {
                for (key, value) in wanted where metadata?[key] != value { return false }
            }
            return true
        }
    }

    public struct Rule: Hashable, Sendable {
        public var name: String
        public var match: Match
        /// Channels in priority order (`channels:`), or the channels after the split (`fallback:`).
        public var channels: [String]
        /// `split:`: channel → percentage, in the file's order; empty for an ordered rule.
        public var split: [(channel: String, percent: Int)]
        /// `prefer: success_rate` (ordered rules only): `channels` are equals, tried best recent success rate first.
        public var prefersSuccessRate: Bool
        /// `explore_percent:` with `prefer`: the share of payments that try another of the channels first, so that
        /// a recovered bank is noticed.
        public var explorePercent: Int

        /// The share of payments that explore when `prefer: success_rate` gives none.
        public static let defaultExplorePercent = 10

        public init(
            name: String, match: Match, channels: [String], split: [(channel: String, percent: Int)] = [],
            prefersSuccessRate: Bool = false, explorePercent: Int = Rule.defaultExplorePercent
        ) {
            self.name = name
            self.match = match
            self.channels = channels
            self.split = split
            self.prefersSuccessRate = prefersSuccessRate
            self.explorePercent = explorePercent
        }

        public static func == (a: Rule, b: Rule) -> Bool {
            a.name == b.name && a.match == b.match && a.channels == b.channels
                && a.split.map(\.channel) == b.split.map(\.channel) && a.split.map(\.percent) == b.split.map(\.percent)
                && a.prefersSuccessRate == b.prefersSuccessRate && a.explorePercent == b.explorePercent
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(channels)
            hasher.combine(split.map(\.channel))
        }

        /// The channels in the order to try them; `draw` in 0..<100 picks the split's first one.
        public func order(draw: Int) -> [String] {
            guard !split.isEmpty else { return channels }
            var cumulative = 0
            var first = split[split.count - 1].channel
            for part in split {
                cumulative += part.percent
                if draw < cumulative {
                    first = part.channel
                    break
                }
            }
            let rest = split.filter { $0.channel != first }.sorted { $0.percent > $1.percent }.map(\.channel)
            var seen: Set<String> = []
            return ([first] + rest + channels).filter { seen.insert($0).inserted }
        }
    }

    public var rules: [Rule]

    public init(rules: [Rule] = []) {
        self.rules = rules
    }

    /// The names the routing file may have in the config directory.
    public static let fileNames: Set<String> = ["routing.yaml", "routing.yml"]

    /// The first rule a payment matches.
    public func rule(
        amount: Money, merchant: String, payerBank: String?, payerRegion: String?, metadata: [String: String]?
    ) -> Rule? {
        rules.first {
            $0.match.matches(amount: amount, merchant: merchant, payerBank: payerBank, payerRegion: payerRegion, metadata: metadata)
        }
    }

    static let ruleKeys: Set<String> = ["name", "match", "channels", "split", "fallback", "prefer", "explore_percent"]
    static let matchKeys: Set<String> = [
        "currency", "min_amount", "max_amount", "merchants", "payer_bank", "payer_region", "metadata",
    ]

    /// Parses the file; errors name the file, the key (`rules[1].split`) and its line.
    public static func parse(contents: String, fileName: String) throws(ChannelConfigError) -> RoutingRules {
        do {
            return try parseUnlocated(contents: contents, fileName: fileName)
        } catch {
            var located = error
            if located.line == nil, let key = error.key { located.line = YAMLKeyLocator(contents).line(of: key) }
            throw located
        }
    }

    private static func parseUnlocated(contents: String, fileName: String) throws(ChannelConfigError) -> RoutingRules {
        func fail(_ key: String?, _ message: String) -> ChannelConfigError {
            ChannelConfigError(file: fileName, key: key, message)
        }
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: contents)
        } catch {
            // The same words and line as a channel config's syntax error.
            throw ChannelConfigError(
                file: fileName, key: nil, line: ChannelConfigFile.yamlLine(error),
                "not valid YAML: \(ChannelConfigFile.yamlProblem(error))")
        }
        guard let root = loaded as? [String: Any] else { throw fail(nil, "expected a mapping with the key rules") }
        for key in root.keys.sorted() where key != "rules" { throw fail(key, "unknown key (allowed: rules)") }
        guard let list = root["rules"] as? [Any] else { throw fail("rules", "must be a list of rules") }
        var rules: [Rule] = []
        var names: Set<String> = []
        for (index, item) in list.enumerated() {
            let path = "rules[\(index)]"
            guard let map = item as? [String: Any] else { throw fail(path, "must be a mapping") }
            for key in map.keys.sorted() where !ruleKeys.contains(key) {
                throw fail("\(path).\(key)", "unknown key (allowed: \(ruleKeys.sorted().joined(separator: ", ")))")
            }
            guard let name = map["name"] as? String, !name.isEmpty, name.count <= 64 else {
                throw fail("\(path).name", "required: 1–64 characters")
            }
            guard names.insert(name).inserted else { throw fail("\(path).name", "rule '\(name)' appears twice") }
            let match = try parseMatch(map["match"], path: "\(path).match", fail)
            func channelList(_ key: String) throws(ChannelConfigError) -> [String]? {
                guard let raw = map[key] else { return nil }
                guard let ids = raw as? [Any], !ids.isEmpty else { throw fail("\(path).\(key)", "must be a non-empty list of channel ids") }
                var result: [String] = []
                for (position, id) in ids.enumerated() {
                    guard let text = id as? String, ChannelConfigFile.isValidId(text) else {
                        throw fail("\(path).\(key)[\(position)]", "must be a channel id (1–64 of a-z 0-9 -)")
                    }
                    guard !result.contains(text) else { throw fail("\(path).\(key)[\(position)]", "'\(text)' is listed twice") }
                    result.append(text)
                }
                return result
            }
            let channels = try channelList("channels")
            let fallback = try channelList("fallback")
            var split: [(channel: String, percent: Int)] = []
            if let raw = map["split"] {
                guard let parts = raw as? [String: Any], !parts.isEmpty else {
                    throw fail("\(path).split", "must be a mapping of channel id to a percentage")
                }
                // YAML mappings carry no order: the split is kept by channel id (the draw is over percentages).
                for id in parts.keys.sorted() {
                    guard ChannelConfigFile.isValidId(id) else { throw fail("\(path).split.\(id.prefix(64))", "is not a channel id") }
                    guard let percent = parts[id] as? Int, (1...100).contains(percent) else {
                        throw fail("\(path).split.\(id)", "must be a percentage from 1 to 100")
                    }
                    split.append((id, percent))
                }
                let total = split.reduce(0) { $0 + $1.percent }
                guard total == 100 else { throw fail("\(path).split", "the percentages add up to \(total), not 100") }
            }
            var prefers = false
            if let raw = map["prefer"] {
                guard raw as? String == "success_rate" else { throw fail("\(path).prefer", "must be success_rate") }
                guard split.isEmpty else { throw fail("\(path).prefer", "goes with channels:, not split:") }
                prefers = true
            }
            var explore = Rule.defaultExplorePercent
            if let raw = map["explore_percent"] {
                guard prefers else { throw fail("\(path).explore_percent", "goes with prefer: success_rate") }
                guard let percent = raw as? Int, (0...50).contains(percent) else {
                    throw fail("\(path).explore_percent", "must be a percentage from 0 to 50")
                }
                explore = percent
            }
            switch (channels, split.isEmpty) {
            case (nil, true): throw fail(path, "needs channels: (an ordered list) or split: (percentages)")
            case (.some, false): throw fail("\(path).split", "give either channels: or split: (with fallback:), not both")
            case (.some(let list), true):
                guard fallback == nil else { throw fail("\(path).fallback", "fallback: goes with split:") }
                rules.append(
                    Rule(name: name, match: match, channels: list, prefersSuccessRate: prefers, explorePercent: explore))
            case (nil, false):
                rules.append(Rule(name: name, match: match, channels: fallback ?? [], split: split))
            }
        }
        return RoutingRules(rules: rules)
    }

    private static func parseMatch(_ raw: Any?, path: String, _ fail: (String?, String) -> ChannelConfigError)
        throws(ChannelConfigError) -> Match
    {
        var match = Match()
        guard let raw else { return match }
        guard let map = raw as? [String: Any] else { throw fail(path, "must be a mapping of conditions") }
        for key in map.keys.sorted() where !matchKeys.contains(key) {
            throw fail("\(path).\(key)", "unknown condition (allowed: \(matchKeys.sorted().joined(separator: ", ")))")
        }
        func strings(_ key: String) throws(ChannelConfigError) -> [String]? {
            guard let value = map[key] else { return nil }
            if let one = value as? String { return [one] }
            guard let list = value as? [Any], !list.isEmpty, list.allSatisfy({ $0 is String }) else {
                throw fail("\(path).\(key)", "must be a string or a non-empty list of strings")
            }
            return list.compactMap { $0 as? String }
        }
        if let codes = try strings("currency") {
            var currencies: [Currency] = []
            for code in codes {
                guard let currency = Currency(code: code) else {
                    throw fail("\(path).currency", "'\(code.prefix(16))' is not an ISO 4217 currency code")
                }
                currencies.append(currency)
            }
            match.currencies = currencies
        }
        for (key, keyPath) in [("min_amount", \Match.minAmount), ("max_amount", \Match.maxAmount)] {
            guard let value = map[key] else { continue }
            guard let int = value as? Int, int > 0 else { throw fail("\(path).\(key)", "must be a positive integer (minor units)") }
            match[keyPath: keyPath] = Int64(int)
        }
        if let low = match.minAmount, let high = match.maxAmount, low > high {
            throw fail("\(path).min_amount", "is above max_amount")
        }
        match.merchants = try strings("merchants")
        match.payerBanks = try strings("payer_bank")
        match.payerRegions = try strings("payer_region")
        if let raw = map["metadata"] {
            guard let pairs = raw as? [String: Any], !pairs.isEmpty else {
                throw fail("\(path).metadata", "must be a mapping of metadata keys to values")
            }
            var metadata: [String: String] = [:]
            for (key, value) in pairs {
                switch value {
                case let text as String: metadata[key] = text
                case let int as Int: metadata[key] = String(int)
                case let bool as Bool: metadata[key] = String(bool)
                default: throw fail("\(path).metadata.\(key)", "must be a string, number or boolean")
                }
            }
            match.metadata = metadata
        }
        return match
    }
}
