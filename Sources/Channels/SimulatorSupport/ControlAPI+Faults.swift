import Foundation
import Hummingbird

/// `/_sim/faults`, loopback only:
/// - `GET` → `{"query_unavailable":false,"rates":{"reset":0.05,…},"seed":N}` (`rates` lists the non-zero
///   probabilities);
/// - `PUT` with the same JSON, every key optional: `rates` replaces all rates, `seed` restarts the generator,
///   `query_unavailable` switches the query endpoint to HTTP 503 and back, `statement_not_ready` makes every
///   statement request answer 3005 (the day's file is not there yet) and back, `notify_unavailable` makes every
///   notification attempt fail unsent (as if the merchant were unreachable; retried on the notify schedule) and
///   back → the new state. Any bad part →
///   400 `{"error":"…"}` and nothing changes.
extension ControlAPI {
    /// The JSON of `GET` and `PUT`.
    struct FaultSettingsBody: Codable, Sendable {
        var rates: [String: Double]?
        var seed: UInt64?
        var query_unavailable: Bool?
        var statement_not_ready: Bool?
        var notify_unavailable: Bool?

        static let keys: Set<String> = ["rates", "seed", "query_unavailable", "statement_not_ready", "notify_unavailable"]

        init(_ settings: FaultInjector.Settings) {
            rates = settings.plan.namedRates
            seed = settings.seed
            query_unavailable = settings.queryUnavailable
            statement_not_ready = settings.statementNotReady
            notify_unavailable = settings.notifyUnavailable
        }
    }

    func registerFaults(on router: Router<SimRequestContext>) {
        router.get("/_sim/faults") { _, context in
            guard context.isLoopbackPeer else { return Self.forbidden() }
            return Self.json(FaultSettingsBody(faults.settings))
        }
        router.put("/_sim/faults") { request, context in
            guard context.isLoopbackPeer else { return Self.forbidden() }
            var request = request
            let body = Data(try await request.collectBody(upTo: 1 << 16).readableBytesView)
            switch Self.faultChange(body) {
            case .success(let change): return Self.json(FaultSettingsBody(faults.apply(change)))
            case .failure(let error): return Self.badRequest(error.message)
            }
        }
    }

    /// Reads a `PUT /_sim/faults` body.
    public static func faultChange(_ body: Data) -> Result<FaultInjector.Change, FaultPlanError> {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return .failure(FaultPlanError(#"expected a JSON object {"rates":{…},"seed":N,"query_unavailable":B}"#))
        }
        if let unknown = object.keys.sorted().first(where: { !FaultSettingsBody.keys.contains($0) }) {
            return .failure(FaultPlanError("unknown key '\(unknown)' (known: notify_unavailable, query_unavailable, rates, seed, statement_not_ready)"))
        }
        guard let decoded = try? JSONDecoder().decode(FaultSettingsBody.self, from: body) else {
            return .failure(FaultPlanError(badValue(in: body)))
        }
        var change = FaultInjector.Change(seed: decoded.seed, queryUnavailable: decoded.query_unavailable)
        change.statementNotReady = decoded.statement_not_ready
        change.notifyUnavailable = decoded.notify_unavailable
        if let rates = decoded.rates {
            do {
                change.plan = try FaultPlan(rates: rates)
            } catch {
                return .failure(error)
            }
        }
        return .success(change)
    }

    /// Names the key whose value has the wrong type (the decoder's own error does not always say).
    private static func badValue(in body: Data) -> String {
        let decoder = JSONDecoder()
        if (try? decoder.decode(RatesProbe.self, from: body)) == nil {
            return "bad value of 'rates': an object of fault names to numbers 0…1"
        }
        if (try? decoder.decode(SeedProbe.self, from: body)) == nil {
            return "bad value of 'seed': an integer 0…18446744073709551615"
        }
        return "bad value of 'query_unavailable', 'statement_not_ready' or 'notify_unavailable': true or false"
    }

    private struct RatesProbe: Decodable { var rates: [String: Double]? }
    private struct SeedProbe: Decodable { var seed: UInt64? }
}
