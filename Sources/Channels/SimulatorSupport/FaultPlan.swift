import Foundation

/// The faults of a run: for each ``Fault`` the probability that an untagged pay or refund request gets it.
///
/// Written `name=probability,…` on the command line (`--faults timeout=0.1,reset=0.05`) and as a JSON object
/// (`{"timeout":0.1,"reset":0.05}`) in the control API. Each probability is 0…1 and together they are at most
/// 1; the rest is the chance of no fault.
public struct FaultPlan: Sendable, Equatable {
    /// Rounding slack allowed when the probabilities are added up (`0.1+0.2+0.7` is 1.0000000000000002).
    public static let sumTolerance = 1e-9

    /// The non-zero probabilities.
    private(set) var rates: [Fault: Double]

    /// No faults at all.
    public static let none = FaultPlan(checked: [:])

    private init(checked rates: [Fault: Double]) {
        self.rates = rates.filter { $0.value > 0 }
    }

    /// A plan from probabilities by fault name.
    /// - Throws: ``FaultPlanError`` naming the unknown name or bad probability, or the excessive sum.
    public init(rates named: [String: Double]) throws(FaultPlanError) {
        var rates: [Fault: Double] = [:]
        for (name, probability) in named.sorted(by: { $0.key < $1.key }) {
            guard let fault = Fault(rawValue: name) else {
                throw FaultPlanError("unknown fault '\(name)' (known: \(Fault.names))")
            }
            try Self.check(probability, "'\(name)'")
            rates[fault] = probability
        }
        try self.init(validating: rates)
    }

    /// A plan from a `--faults` SPEC: `name=probability` items separated by commas; empty means no faults.
    /// - Throws: ``FaultPlanError`` naming the bad item.
    public init(spec: String) throws(FaultPlanError) {
        var rates: [Fault: Double] = [:]
        let trimmed = spec.trimmingCharacters(in: .whitespaces)
        let items = trimmed.isEmpty ? [] : trimmed.split(separator: ",", omittingEmptySubsequences: false)
        for item in items {
            let part = item.trimmingCharacters(in: .whitespaces)
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2 else {
                throw FaultPlanError("'\(part)' is not name=probability")
            }
            let name = pieces[0].trimmingCharacters(in: .whitespaces)
            guard let fault = Fault(rawValue: name) else {
                throw FaultPlanError("unknown fault '\(name)' in '\(part)' (known: \(Fault.names))")
            }
            guard rates[fault] == nil else { throw FaultPlanError("'\(name)' is given twice") }
            guard let probability = Double(pieces[1].trimmingCharacters(in: .whitespaces)) else {
                throw FaultPlanError("'\(part)': the probability is not a number")
            }
            try Self.check(probability, "'\(part)'")
            rates[fault] = probability
        }
        try self.init(validating: rates)
    }

    private init(validating rates: [Fault: Double]) throws(FaultPlanError) {
        let sum = rates.values.reduce(0, +)
        guard sum <= 1 + Self.sumTolerance else {
            throw FaultPlanError("the probabilities add up to \(sum), more than 1")
        }
        self.init(checked: rates)
    }

    private static func check(_ probability: Double, _ what: String) throws(FaultPlanError) {
        guard probability.isFinite, (0...1).contains(probability) else {
            throw FaultPlanError("\(what): the probability must be within 0…1")
        }
    }

    /// The probabilities by fault name, for the control API.
    public var namedRates: [String: Double] {
        Dictionary(uniqueKeysWithValues: rates.map { ($0.key.rawValue, $0.value) })
    }

    /// The fault a request gets for a uniform `sample` in `0..<1`: the faults are laid end to end in
    /// declaration order, each as long as its probability; a request whose kind a fault does not apply to
    /// (refunds: processing, dup-notify, late-notify) gets no fault in that fault's stretch.
    public func fault(forSample sample: Double, refund: Bool) -> Fault? {
        var end = 0.0
        for fault in Fault.allCases {
            guard let rate = rates[fault] else { continue }
            end += rate
            if sample < end { return refund && !fault.appliesToRefunds ? nil : fault }
        }
        return nil
    }
}

/// An invalid fault plan; the message names the bad part.
public struct FaultPlanError: Error, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
