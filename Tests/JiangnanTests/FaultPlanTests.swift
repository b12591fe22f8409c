import Foundation
import Testing

@testable import JiangnanSimulator
@testable import SimulatorSupport

/// The simulator's fault plan, draws and tags, in process.
@Suite("Simulator fault plan")
struct FaultPlanTests {
    @Test("--faults SPEC: valid specs")
    func validSpecs() throws {
        #expect(try FaultPlan(spec: "") == .none)
        #expect(try FaultPlan(spec: "  ") == .none)
        let plan = try FaultPlan(spec: "timeout=0.1, reset = 0.05,5xx=0,busy=1e-1")
        #expect(plan.rates == [.timeout: 0.1, .reset: 0.05, .busy: 0.1])
        #expect(plan.namedRates == ["timeout": 0.1, "reset": 0.05, "busy": 0.1])
        // Every name, summing to exactly 1 up to rounding.
        let share = 1.0 / Double(Fault.allCases.count)
        let all = Fault.allCases.map { "\($0.rawValue)=\(share)" }.joined(separator: ",")
        #expect(try FaultPlan(spec: all).rates.count == Fault.allCases.count)
        #expect(try FaultPlan(spec: "5xx=0.1,5xx-before=0.2,malformed=0.7").rates.count == 3)
        #expect(try FaultPlan(spec: "bad-signature=1").rates == [.badSignature: 1])
    }

    @Test(
        "--faults SPEC: an invalid spec names the bad part",
        arguments: [
            ("timeout", "'timeout' is not name=probability"),
            ("timeout=0.1,,reset=0.1", "'' is not name=probability"),
            ("timeout=0.1,bogus=0.1", "unknown fault 'bogus' in 'bogus=0.1'"),
            ("timeout=abc", "'timeout=abc': the probability is not a number"),
            ("timeout=1.5", "'timeout=1.5': the probability must be within 0…1"),
            ("reset=-0.1", "'reset=-0.1': the probability must be within 0…1"),
            ("reset=nan", "'reset=nan': the probability must be within 0…1"),
            ("reset=0.1,reset=0.2", "'reset' is given twice"),
            ("reset=0.6,timeout=0.5", "the probabilities add up to 1.1"),
        ])
    func invalidSpecs(spec: String, message: String) {
        #expect {
            _ = try FaultPlan(spec: spec)
        } throws: { error in
            (error as? FaultPlanError)?.message.contains(message) == true
        }
    }

    @Test("draws: each fault gets its stretch of 0..<1; refunds skip the pay-only faults")
    func stretches() throws {
        let plan = try FaultPlan(spec: "late-notify=0.25,timeout=0.25,busy=0.25")
        // Declaration order: timeout [0, .25), busy [.25, .5), late-notify [.5, .75), none after.
        #expect(plan.fault(forSample: 0, refund: false) == .timeout)
        #expect(plan.fault(forSample: 0.2499, refund: false) == .timeout)
        #expect(plan.fault(forSample: 0.25, refund: false) == .busy)
        #expect(plan.fault(forSample: 0.6, refund: false) == .lateNotification)
        #expect(plan.fault(forSample: 0.6, refund: true) == nil)
        #expect(plan.fault(forSample: 0.1, refund: true) == .timeout)
        #expect(plan.fault(forSample: 0.75, refund: false) == nil)
        #expect(FaultPlan.none.fault(forSample: 0, refund: false) == nil)
    }

    @Test("SplitMix64 matches the reference sequence; samples are within 0..<1")
    func splitMix() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        var samples = SplitMix64(seed: 99)
        for _ in 0..<1000 {
            let sample = samples.nextUnit()
            #expect(sample >= 0 && sample < 1)
        }
    }

    @Test("the same seed gives the same fault sequence; a reseed restarts it; another seed differs")
    func seededDeterminism() throws {
        let plan = try FaultPlan(spec: "timeout=0.2,reset=0.2,busy=0.2")
        func sequence(_ injector: FaultInjector) -> [Fault?] {
            (0..<200).map { $0 % 3 == 0 ? injector.fault(forRefundReason: "r") : injector.fault(forPaySubject: "s") }
        }
        let first = sequence(FaultInjector(plan: plan, seed: 42))
        #expect(first == sequence(FaultInjector(plan: plan, seed: 42)))
        #expect(first != sequence(FaultInjector(plan: plan, seed: 43)))
        #expect(Set(first) == [nil, .timeout, .reset, .busy])

        let injector = FaultInjector(plan: plan, seed: 42)
        _ = sequence(injector)
        injector.apply(.init(seed: 42))
        #expect(sequence(injector) == first)
    }

    @Test("tags: the first scenario tag and the first fault tag by position apply, together; a tag means no draw; refunds ignore pay-only faults")
    func tags() throws {
        #expect(SimTag.first(in: "x [sim:bogus] [sim:reset] [sim:timeout]") == "reset")
        #expect(SimTag.first(in: "[sim:frozen][sim:timeout]") == "frozen")
        #expect(SimTag.first(in: "[sim:") == nil)
        #expect(SimTag.first(in: "plain") == nil)
        #expect(SimTag.first(in: "[sim:frozen][sim:timeout]", among: Fault.nameSet) == "timeout")
        #expect(PayScenario(subject: "[sim:timeout] [sim:frozen] [sim:insufficient-funds]") == .frozen)
        #expect(PayScenario(subject: "[sim:timeout]") == .success)
        #expect(PayScenario(subject: "tea [sim:processing]") == .processing)

        let always = FaultInjector(plan: try FaultPlan(spec: "reset=1"), seed: 1)
        #expect(always.fault(forPaySubject: "tea") == .reset)
        #expect(always.fault(forPaySubject: "tea [sim:malformed]") == .malformed)
        #expect(always.fault(forPaySubject: "tea [sim:frozen]") == nil)
        #expect(always.fault(forPaySubject: "tea [sim:frozen] [sim:timeout] [sim:5xx]") == .timeout)
        #expect(always.fault(forRefundReason: "broken [sim:5xx-before]") == .serverErrorBefore)
        #expect(always.fault(forRefundReason: "broken [sim:dup-notify]") == nil)
        #expect(always.fault(forRefundReason: "broken") == .reset)
        #expect(FaultInjector(plan: try FaultPlan(spec: "processing=1"), seed: 1).fault(forRefundReason: "r") == nil)
    }

    @Test("PUT /_sim/faults bodies: valid changes and the errors of invalid ones")
    func controlBodies() throws {
        let change = try ControlAPI.faultChange(Data(#"{"rates":{"reset":0.05,"timeout":0.1},"seed":7}"#.utf8)).get()
        #expect(change.plan?.rates == [.reset: 0.05, .timeout: 0.1])
        #expect(change.seed == 7)
        #expect(change.queryUnavailable == nil)
        let big = try ControlAPI.faultChange(
            Data(#"{"seed":18446744073709551615,"query_unavailable":true}"#.utf8)
        ).get()
        #expect(big.seed == UInt64.max)
        #expect(big.queryUnavailable == true)
        #expect(big.plan == nil)
        #expect(try ControlAPI.faultChange(Data("{}".utf8)).get().plan == nil)

        let invalid: [(String, String)] = [
            ("[]", "expected a JSON object"),
            ("nope", "expected a JSON object"),
            (#"{"rate":{}}"#, "unknown key 'rate'"),
            (#"{"rates":{"bogus":0.1}}"#, "unknown fault 'bogus'"),
            (#"{"rates":{"reset":2}}"#, "'reset': the probability must be within 0…1"),
            (#"{"rates":{"reset":0.7,"busy":0.7}}"#, "add up to"),
            (#"{"rates":{"reset":"0.1"}}"#, "bad value of 'rates'"),
            (#"{"seed":-1}"#, "bad value of 'seed'"),
            (#"{"seed":1.5}"#, "bad value of 'seed'"),
            (#"{"query_unavailable":"yes"}"#, "bad value of 'query_unavailable'"),
        ]
        for (body, message) in invalid {
            switch ControlAPI.faultChange(Data(body.utf8)) {
            case .success: Issue.record("\(body) was accepted")
            case .failure(let error): #expect(error.message.contains(message), "\(body): \(error.message)")
            }
        }
    }
}
