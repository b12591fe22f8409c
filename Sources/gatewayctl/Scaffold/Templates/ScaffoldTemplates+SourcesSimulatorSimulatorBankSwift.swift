extension ScaffoldTemplates {
    /// `Sources/{{Module}}Simulator/{{Module}}SimulatorBank.swift` of a generated package.
    static let sourcesSimulatorSimulatorBankSwift = ScaffoldFile(
        "Sources/{{Module}}Simulator/{{Module}}SimulatorBank.swift",
        #"""
import {{Module}}Protocol
import ChannelKit
import ChannelKitTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The example bank behind the simulator: an in-memory ledger per merchant that answers pay, refund, query and
/// statement requests in the bank's signed format, dedupes by transaction id, and notifies the merchant's
/// `notify_url` of each success. Scenarios by a tag in the payment's subject:
/// `[sim:decline]` (1001), `[sim:maintenance]` (2001, unprocessed), `[sim:busy]` (3001), `[sim:processing]`
/// (3002, succeeds on the first query), `[sim:5xx]` (HTTP 500, processed), `[sim:badsig]` (an answer with a
/// broken signature, processed), `[sim:wrong-amount]` (processed, answered with another amount, signed),
/// `[sim:timeout]` (processed, answered after 30 s).
///
/// PARTNER: make this behave like your bank's test environment, so the conformance tests and the guide
/// exercise the protocol your plugin really speaks.
public actor {{Module}}SimulatorBank {
    struct Transaction {
        var id: String
        var kind: String
        var amount: Int64
        var currency: String
        var state: String
        var reasonCode: String
        var bankId: String
        var finishedAt: Int64
        var original: String
    }

    private let keys: [String: String]
    private var transactions: [String: Transaction] = [:]
    private var order: [String] = []
    private var sequence = 0
    private let session = URLSession(configuration: .ephemeral)

    /// A bank knowing each merchant number's key.
    public init(merchants: [String: String]) {
        keys = merchants
    }

    /// Answers one HTTP request.
    public func handle(_ request: LoopbackHTTPServer.Request) async -> HTTPResponseMessage {
        let path = request.path.split(separator: "/").last.map(String.init) ?? ""
        guard request.method == "POST" else { return HTTPResponseMessage(status: 405) }
        // Which merchant: read the fields unverified first, then verify with that merchant's key.
        guard let merchant = {{Module}}Wire.peekField({{Module}}Field.merchantNo, in: Array(request.body)), let key = keys[merchant] else {
            return HTTPResponseMessage(status: 403, body: Data("unknown merchant".utf8))
        }
        let fields: [String: String]
        do {
            fields = try {{Module}}Wire.decode(Array(request.body), header: { request.headers.value(for: $0) }, keys: [key])
        } catch {{Module}}WireError.badSignature {
            return answer([{{Module}}Field.code: {{Module}}Code.badSignature, {{Module}}Field.message: "signature invalid",
                           {{Module}}Field.transactionId: ""], key: key)
        } catch {
            return HTTPResponseMessage(status: 400, body: Data("malformed request".utf8))
        }
        switch path {
        case {{Module}}API.payPath: return await transact(fields, kind: {{Module}}Value.pay, key: key)
        case {{Module}}API.refundPath: return await transact(fields, kind: {{Module}}Value.refund, key: key)
        case {{Module}}API.queryPath: return query(fields, key: key)
        case {{Module}}API.statementPath: return statement(fields, key: key)
        default: return HTTPResponseMessage(status: 404)
        }
    }

    private func transact(_ fields: [String: String], kind: String, key: String) async -> HTTPResponseMessage {
        let id = fields[{{Module}}Field.transactionId] ?? ""
        guard !id.isEmpty, let amount = fields[{{Module}}Field.amount].flatMap(Int64.init), amount > 0,
            let currency = fields[{{Module}}Field.currency]
        else { return HTTPResponseMessage(status: 400, body: Data("missing fields".utf8)) }
        let subject = fields[{{Module}}Field.subject] ?? ""
        if let earlier = transactions[id] {
            // Deduplicated by id: the same request gets the first answer; other content is refused.
            guard earlier.amount == amount, earlier.currency == currency, earlier.kind == kind else {
                return answer(reply(id, code: {{Module}}Code.duplicateTransactionId, "transaction id already used"), key: key)
            }
            return answer(reply(earlier), key: key)
        }
        if subject.contains("[sim:maintenance]") {
            return answer(reply(id, code: {{Module}}Code.maintenance, "closed for maintenance, not processed"), key: key)
        }
        if subject.contains("[sim:busy]") { return answer(reply(id, code: {{Module}}Code.busy, "busy, try later"), key: key) }
        var transaction = Transaction(
            id: id, kind: kind, amount: amount, currency: currency, state: {{Module}}Value.succeeded, reasonCode: "",
            bankId: nextBankId(), finishedAt: Int64(Date().timeIntervalSince1970), original: fields[{{Module}}Field.originalTransactionId] ?? "")
        if kind == {{Module}}Value.refund {
            guard let payment = transactions[transaction.original], payment.kind == {{Module}}Value.pay,
                payment.state == {{Module}}Value.succeeded, payment.currency == currency
            else { return answer(reply(id, code: {{Module}}Code.refundExceedsPayment, "no such payment"), key: key) }
            let refunded = transactions.values.filter { $0.original == payment.id && $0.state == {{Module}}Value.succeeded }
                .reduce(Int64(0)) { $0 + $1.amount }
            guard refunded + amount <= payment.amount else {
                return answer(reply(id, code: {{Module}}Code.refundExceedsPayment, "refund exceeds the payment"), key: key)
            }
        }
        if subject.contains("[sim:decline]") {
            transaction.state = {{Module}}Value.failed
            transaction.reasonCode = {{Module}}Code.insufficientFunds
        }
        if subject.contains("[sim:processing]") { transaction.state = {{Module}}Value.processing }
        transactions[id] = transaction
        order.append(id)
        if transaction.state == {{Module}}Value.succeeded, let url = fields[{{Module}}Field.notifyURL].flatMap(URL.init(string:)),
            let merchant = fields[{{Module}}Field.merchantNo]
        {
            notify(transaction, merchant: merchant, to: url, key: key)
        }
        if subject.contains("[sim:5xx]") { return HTTPResponseMessage(status: 500, body: Data("internal error".utf8)) }
        if subject.contains("[sim:timeout]") { try? await Task.sleep(for: .seconds(30)) }
        // A broken signature: signed with a key that is not the merchant's.
        var answered = reply(transaction)
        if subject.contains("[sim:wrong-amount]") { answered[{{Module}}Field.amount] = String(amount + 1) }
        return answer(answered, key: subject.contains("[sim:badsig]") ? key + "-not-the-key" : key)
    }

    private func query(_ fields: [String: String], key: String) -> HTTPResponseMessage {
        let id = fields[{{Module}}Field.transactionId] ?? ""
        guard var transaction = transactions[id] else {
            return answer(reply(id, code: {{Module}}Code.notFound, "no such transaction"), key: key)
        }
        if transaction.state == {{Module}}Value.processing {
            transaction.state = {{Module}}Value.succeeded  // processing ends at the first query
            transactions[id] = transaction
        }
        var fields = reply(transaction)
        fields[{{Module}}Field.code] = {{Module}}Code.success
        fields[{{Module}}Field.state] = transaction.state
        return answer(fields, key: key)
    }

    private func statement(_ fields: [String: String], key: String) -> HTTPResponseMessage {
        guard let date = fields[{{Module}}Field.date].flatMap(BusinessDate.init), let start = date.start(in: "UTC") else {
            return HTTPResponseMessage(status: 400, body: Data("bad date".utf8))
        }
        let from = Int64(start.timeIntervalSince1970)
        guard Int64(Date().timeIntervalSince1970) >= from else { return HTTPResponseMessage(status: 404) }
        var lines = [{{Module}}StatementFormat.header]
        var count = 0
        var total: Int64 = 0
        for id in order {
            guard let t = transactions[id], t.state != {{Module}}Value.processing, t.finishedAt >= from, t.finishedAt < from + 86_400
            else { continue }
            lines.append({{Module}}StatementFormat.Line(
                transactionId: t.id, bankTransactionId: t.bankId, kind: t.kind, amount: t.amount, currency: t.currency, fee: 0,
                state: t.state, finishedAt: t.finishedAt, originalTransactionId: t.original).text)
            count += 1
            total += t.amount
        }
        lines.append({{Module}}StatementFormat.trailer(count: count, amountTotal: total, feeTotal: 0))
        let body = Array((lines.joined(separator: "\n") + "\n").utf8)
        return HTTPResponseMessage(
            status: 200,
            headers: [HTTPHeaderField("Content-Type", "text/csv"), HTTPHeaderField({{Module}}API.signatureHeader, HMACSHA256.hex(key: key, message: body))],
            body: Data(body))
    }

    private func reply(_ id: String, code: String, _ message: String) -> [String: String] {
        [{{Module}}Field.transactionId: id, {{Module}}Field.code: code, {{Module}}Field.message: message]
    }

    private func reply(_ t: Transaction) -> [String: String] {
        var fields = [
            {{Module}}Field.transactionId: t.id, {{Module}}Field.amount: String(t.amount), {{Module}}Field.currency: t.currency,
            {{Module}}Field.bankTransactionId: t.bankId, {{Module}}Field.finishedAt: String(t.finishedAt),
            {{Module}}Field.kind: t.kind, {{Module}}Field.state: t.state,
        ]
        switch t.state {
        case {{Module}}Value.succeeded: fields[{{Module}}Field.code] = {{Module}}Code.success
        case {{Module}}Value.failed:
            fields[{{Module}}Field.code] = t.reasonCode
            fields[{{Module}}Field.reasonCode] = t.reasonCode
            fields[{{Module}}Field.message] = "insufficient funds"
        default: fields[{{Module}}Field.code] = {{Module}}Code.processing
        }
        return fields
    }

    private func answer(_ fields: [String: String], key: String) -> HTTPResponseMessage {
        let message = {{Module}}Wire.encode(fields, key: key)
        return HTTPResponseMessage(
            status: 200, headers: message.headers.map { HTTPHeaderField($0.name, $0.value) }, body: Data(message.body))
    }

    private func nextBankId() -> String {
        sequence += 1
        return "AB" + String(repeating: "0", count: max(0, 10 - String(sequence).count)) + String(sequence)
    }

    /// Sends the signed notification of a finished transaction (once, after a short delay; best effort).
    private nonisolated func notify(_ t: Transaction, merchant: String, to url: URL, key: String) {
        var fields = [
            {{Module}}Field.merchantNo: merchant, {{Module}}Field.transactionId: t.id, {{Module}}Field.kind: t.kind,
            {{Module}}Field.amount: String(t.amount), {{Module}}Field.currency: t.currency, {{Module}}Field.state: t.state,
            {{Module}}Field.bankTransactionId: t.bankId, {{Module}}Field.finishedAt: String(t.finishedAt),
        ]
        fields[{{Module}}Field.reasonCode] = t.reasonCode.isEmpty ? nil : t.reasonCode
        let message = {{Module}}Wire.encode(fields, key: key)
        var request = URLRequest(url: url, timeoutInterval: 5)
        request.httpMethod = "POST"
        for header in message.headers { request.setValue(header.value, forHTTPHeaderField: header.name) }
        request.httpBody = Data(message.body)
        let session = session
        Task {
            try? await Task.sleep(for: .milliseconds(200))
            _ = try? await session.data(for: request)
        }
    }
}
"""#)
}
