import ChannelKit
import ChannelKitTesting
import Foundation

/// The fixture bank (Tests/Fixtures/ConformancePlugins/README.md) played in-process through ChannelKitTesting's
/// ScriptedTransport: JSON requests and answers signed with the toy FNV-1a signature, behaviours chosen by
/// `[fx:…]` tags in the pay subject, a `#` note line in every statement, and genuine notifications made on
/// request (``notification(for:outcome:)``).
struct FixtureScriptedBank: ConformanceBank {
    static let secret = "fx-secret-0123456789abcdef"
    static let merchant = "FX0001"

    let book = FixtureBook()

    var transport: any HTTPTransport {
        let book = self.book
        return ScriptedTransport { request in await book.answer(request) }
    }

    var retrySafeCodes: Set<String> { ["61"] }

    func configuration() async throws -> ChannelConfiguration {
        ChannelConfiguration(
            channelId: "fixture", pluginId: pluginId, endpoint: URL(string: "http://127.0.0.1:9/fixture")!,
            settings: ["merchant": Self.merchant], credentials: ["secret": Credential(current: Secret(Self.secret))],
            timeouts: ChannelTimeouts(connect: .seconds(1), request: .seconds(5), download: .seconds(5)),
            currencies: [CurrencyBound(Currency(code: "CNY")!, minimumMinorUnits: 1, maximumMinorUnits: 10_000_000)])
    }

    /// The plugin id of the fixture under test.
    let pluginId: String

    func arrange(_ behaviour: BankBehaviour, for request: PayRequest) async throws -> PayRequest {
        var request = request
        switch behaviour {
        case .approve: break
        case .decline: request.subject += " [fx:decline]"
        case .busy: request.subject += " [fx:busy]"
        case .processing: request.subject += " [fx:processing]"
        case .mismatchingAmount: request.subject += " [fx:mismatch]"
        case .notProcessed: request.subject += " [fx:not-supported]"
        }
        return request
    }

    func notification(for payment: PayRequest, outcome: ChannelOutcome) async throws -> InboundNotification? {
        guard let body = await book.notificationBody(for: payment.transactionId) else {
            throw ConformanceUnsupported("the fixture bank has no payment \(payment.transactionId)")
        }
        return InboundNotification(
            method: "POST", target: "/notify/fixture",
            headers: [
                HTTPHeaderField("Content-Type", "application/json"),
                HTTPHeaderField("X-Fixture-Signature", Self.sign(body)),
            ],
            body: body, receivedAt: Date())
    }

    func prepareStatement(containing payments: [PayRequest]) async throws -> BusinessDate {
        BusinessDate(containing: Date(), in: "UTC")!
    }

    /// The bank's toy signature (FixtureSignature in the fixture package).
    static func sign(_ body: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(secret.utf8) + [0x0a] + [UInt8](body) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// The fixture bank's books.
actor FixtureBook {
    struct Entry {
        var id: String
        var kind: String
        var amount: Int64
        var status: String
        var bankId: String
        var original: String?
        var refunded: Int64 = 0
    }

    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    private var serial = 0

    func answer(_ request: HTTPRequestMessage) -> HTTPResponseMessage {
        guard request.headers.value(for: "X-Fixture-Signature") == FixtureScriptedBank.sign(request.body),
            let fields = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any]
        else {
            return HTTPResponseMessage(status: 400, body: Data("bad request".utf8))
        }
        switch request.url.lastPathComponent {
        case "pay": return signed(pay(fields))
        case "refund": return signed(refund(fields))
        case "query": return signed(query(fields))
        case "statement": return statement()
        default: return HTTPResponseMessage(status: 404)
        }
    }

    private func pay(_ fields: [String: Any]) -> [String: Any] {
        let id = fields["id"] as? String ?? ""
        let amount = (fields["amount"] as? NSNumber)?.int64Value ?? 0
        let subject = fields["subject"] as? String ?? ""
        if fields["currency"] as? String != "CNY" || subject.contains("[fx:not-supported]") { return ["code": "61"] }
        if let existing = entries[id] {
            guard existing.amount == amount else { return ["code": "94"] }
            return describe(existing)
        }
        if subject.contains("[fx:busy]") { return ["code": "91"] }
        let status = subject.contains("[fx:decline]") ? "F" : subject.contains("[fx:processing]") ? "P" : "S"
        let entry = record(Entry(id: id, kind: "payment", amount: amount, status: status, bankId: nextBankId()))
        if subject.contains("[fx:mismatch]") {
            var answer = describe(entry)
            answer["amount"] = amount + 1
            return answer
        }
        return status == "F" ? ["code": "51"] : describe(entry)
    }

    private func refund(_ fields: [String: Any]) -> [String: Any] {
        let id = fields["id"] as? String ?? ""
        let paymentId = fields["payment_id"] as? String ?? ""
        let amount = (fields["amount"] as? NSNumber)?.int64Value ?? 0
        if let existing = entries[id] { return describe(existing) }
        guard var payment = entries[paymentId], payment.kind == "payment", payment.status == "S" else { return ["code": "25"] }
        guard amount > 0, payment.refunded + amount <= payment.amount else { return ["code": "13"] }
        payment.refunded += amount
        entries[paymentId] = payment
        return describe(record(Entry(id: id, kind: "refund", amount: amount, status: "S", bankId: nextBankId(), original: paymentId)))
    }

    private func query(_ fields: [String: Any]) -> [String: Any] {
        guard let entry = entries[fields["id"] as? String ?? ""], entry.kind == fields["kind"] as? String else {
            return ["code": "25"]
        }
        return describe(entry)
    }

    private func statement() -> HTTPResponseMessage {
        var lines = ["H|\(FixtureScriptedBank.merchant)|\(BusinessDate(containing: Date(), in: "UTC")!.compact)"]
        var count = 0
        var total: Int64 = 0
        for (index, id) in order.enumerated() {
            guard let entry = entries[id], entry.status != "P" else { continue }
            lines.append("R|\(entry.id)|\(entry.bankId)|\(entry.kind == "payment" ? "P" : "R")|\(entry.amount)|0|\(entry.status)|\(entry.original ?? "")")
            count += 1
            if entry.status == "S" { total += entry.amount }
            if index == 0 { lines.append("# statement produced by the fixture bank") }
        }
        if count == 0 { lines.append("# no transactions") }
        lines.append("T|\(count)|\(total)|0")
        let body = Data((lines.joined(separator: "\n") + "\n").utf8)
        return HTTPResponseMessage(
            status: 200,
            headers: [HTTPHeaderField("Content-Type", "text/plain"), HTTPHeaderField("X-Fixture-Signature", FixtureScriptedBank.sign(body))],
            body: body)
    }

    /// A notification of the payment the bank made for `id` (the id as sent, or with the channel's own prefix).
    func notificationBody(for id: String) -> Data? {
        guard let entry = entries[id] ?? entries.values.first(where: { $0.kind == "payment" && $0.id.hasSuffix(id) }) else {
            return nil
        }
        let object: [String: Any] = ["id": entry.id, "kind": entry.kind, "amount": entry.amount, "status": entry.status, "bank_id": entry.bankId]
        return try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    private func record(_ entry: Entry) -> Entry {
        entries[entry.id] = entry
        order.append(entry.id)
        return entry
    }

    private func nextBankId() -> String {
        serial += 1
        return "B\(100_000 + serial)"
    }

    private func describe(_ entry: Entry) -> [String: Any] {
        var answer: [String: Any] = ["code": "00", "id": entry.id, "kind": entry.kind, "amount": entry.amount, "status": entry.status, "bank_id": entry.bankId]
        if entry.status == "F" { answer["fail_code"] = "51" }
        return answer
    }

    private func signed(_ object: [String: Any]) -> HTTPResponseMessage {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return HTTPResponseMessage(
            status: 200,
            headers: [HTTPHeaderField("Content-Type", "application/json"), HTTPHeaderField("X-Fixture-Signature", FixtureScriptedBank.sign(body))],
            body: body)
    }
}
