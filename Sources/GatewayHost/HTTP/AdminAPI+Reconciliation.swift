import ChannelKit
import Foundation
import GatewayAPI
import GatewayConfig
import Hummingbird
import NIOCore
import Reconciliation

extension AdminAPI {
    /// `/admin/recon/…`: run a channel's day, list runs and breaks, resolve a break by hand.
    func addReconciliationRoutes(to router: Router<BasicRequestContext>) {
        // Runs one (channel, date) and answers the stored run. With `Accept: application/x-ndjson` the answer
        // streams one progress object per line ({"progress": …}) and ends with {"run": …} or {"error": …}.
        router.post("/admin/recon/runs") { request, _ in
            let body = try await JSONBody.decode(AdminReconRunRequest.self, from: request)
            guard let date = BusinessDate(body.date), body.date.count == 10 else {
                throw GatewayError.invalidRequest("date must be a business date yyyy-MM-dd, got '\(body.date.prefix(32))'")
            }
            guard ChannelConfigFile.isValidId(body.channel) else {
                throw GatewayError.invalidRequest("channel must be a channel id, got '\(body.channel.prefix(64))'")
            }
            let options = ReconciliationService.Options(refetch: body.refetch ?? false)
            guard request.headers[.accept]?.contains("application/x-ndjson") == true else {
                return try JSONBody.response(try await reconciliation.run(channelId: body.channel, date: date, options: options))
            }
            return Self.streamedRun(reconciliation, channel: body.channel, date: date, options: options)
        }
        router.get("/admin/recon/runs") { request, _ in
            let channel = request.uri.queryParameters.get("channel")
            guard let limit = Int(request.uri.queryParameters.get("limit") ?? "50"), (1...1000).contains(limit) else {
                throw GatewayError.invalidRequest("limit must be an integer from 1 to 1000")
            }
            let runs = try await reconciliation.store.reconciliationRuns(channelId: channel, limit: limit)
            return try JSONBody.response(AdminReconRuns(runs: runs, overdue: await reconciliation.overdue(channel: channel)))
        }
        router.get("/admin/recon/runs/{channel}/{date}") { _, context in
            let channel = try context.parameters.require("channel")
            let date = try context.parameters.require("date")
            guard let run = try await reconciliation.store.reconciliationRun(channelId: channel, date: date) else {
                throw GatewayError(.notFound, "unknown_run", "no reconciliation run of '\(channel.prefix(64))' for \(date.prefix(16))")
            }
            return try JSONBody.response(run)
        }
        router.get("/admin/recon/breaks") { request, _ in
            let channel = request.uri.queryParameters.get("channel")
            let open = request.uri.queryParameters.get("open").map { $0 == "true" || $0 == "1" } ?? false
            guard let limit = Int(request.uri.queryParameters.get("limit") ?? "500"), (1...10_000).contains(limit) else {
                throw GatewayError.invalidRequest("limit must be an integer from 1 to 10000")
            }
            var after: BreakCursor?
            if let token = request.uri.queryParameters.get("after") {
                guard let cursor = BreakCursor(token: String(token)) else {
                    throw GatewayError.invalidRequest("after must be the 'next' token of an earlier page")
                }
                after = cursor
            }
            // One more than asked: whether there is a next page.
            var breaks = try await reconciliation.store.breaks(channelId: channel, openOnly: open, limit: limit + 1, after: after)
            let more = breaks.count > limit
            if more { breaks.removeLast() }
            let today = Date()
            return try JSONBody.response(
                AdminBreaks(
                    breaks: breaks.map { Self.adminBreak($0, today: today) },
                    next: more ? breaks.last.map { BreakCursor(after: $0).token } : nil))
        }
        router.get("/admin/recon/breaks/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard let record = try await reconciliation.store.breakRecord(id: id) else {
                throw GatewayError(.notFound, "unknown_break", "no break '\(id.prefix(64))'")
            }
            return try JSONBody.response(Self.adminBreak(record, today: Date()))
        }
        router.post("/admin/recon/breaks/{id}/resolve") { request, context in
            let id = try context.parameters.require("id")
            let body = try await JSONBody.decode(AdminBreakResolve.self, from: request)
            let note = body.note.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !note.isEmpty, note.count <= 1000 else {
                throw GatewayError.invalidRequest("note must say why (1 to 1000 characters)")
            }
            let who = AdminIdentity.name ?? "unknown"
            guard let record = try await reconciliation.store.resolveBreak(id: id, by: who, note: note, at: Date()) else {
                throw GatewayError(.notFound, "unknown_break", "no break '\(id.prefix(64))'")
            }
            return try JSONBody.response(Self.adminBreak(record, today: Date()))
        }
    }

    static func streamedRun(
        _ service: ReconciliationService, channel: String, date: BusinessDate, options: ReconciliationService.Options
    ) -> Response {
        let (lines, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(64))
        let task = Task {
            do {
                let run = try await service.run(channelId: channel, date: date, options: options) { progress in
                    continuation.yield(Self.ndjsonLine(["progress": progress]))
                }
                continuation.yield(Self.ndjsonLine(["run": run]))
            } catch let error as GatewayError {
                continuation.yield(Self.ndjsonLine(["error": ErrorBody.Detail(code: error.code, message: error.message)]))
            } catch {
                continuation.yield(Self.ndjsonLine(["error": ErrorBody.Detail(code: "internal_error", message: "the run failed: \(error)")]))
            }
            continuation.finish()
        }
        // A client that goes away does not stop the run: it is stored all the same (see `recon runs`).
        continuation.onTermination = { _ in _ = task }
        var headers = HTTPFields()
        headers[.contentType] = "application/x-ndjson"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                for await line in lines { try await writer.write(line) }
                try await writer.finish(nil)
            })
    }

    /// One JSON object and a newline.
    static func ndjsonLine(_ object: some Encodable) -> ByteBuffer {
        var data = (try? JSONBody.encoder.encode(object)) ?? Data("{}".utf8)
        data.append(0x0A)
        return ByteBuffer(bytes: data)
    }

    static func adminBreak(_ record: BreakRecord, today: Date) -> AdminBreak {
        let item = record.item
        let statement = item.statement.map { s in
            AdminBreakSide(
                transactionId: s.transactionId, bankTransactionId: s.bankTransactionId, type: s.kind.rawValue,
                amount: s.amount.minorUnits, currency: s.amount.currency.code, status: s.status.rawValue,
                at: s.finishedAt.map(JSONBody.timestamp), originalTransactionId: s.originalTransactionId,
                fee: s.fee.minorUnits)
        }
        let ledger = item.ledger.map { l in
            AdminBreakSide(
                transactionId: l.transactionId, bankTransactionId: l.bankTransactionId, type: l.kind.rawValue,
                amount: l.amount, currency: l.currency, status: l.status.label,
                at: DiscrepancyFiles.timestamp(ms: l.dayAt), originalTransactionId: l.paymentId, fee: nil)
        }
        var age = 0
        if let first = BusinessDate(record.firstSeen), let start = first.start(in: "UTC") {
            age = max(0, Int(today.timeIntervalSince(start) / 86_400))
        }
        return AdminBreak(
            id: record.id, channel: record.channel, breakClass: record.breakClass.rawValue,
            transactionId: record.transactionId, state: record.state.rawValue, firstSeen: record.firstSeen,
            lastSeen: record.lastSeen, ageDays: age, amount: record.amount, currency: record.currency,
            lineNumber: item.lineNumber, statement: statement, ledger: ledger,
            issue: item.issue.map { "\($0.reason): \($0.line)" }, resolvedAt: record.resolvedAt.map(JSONBody.timestamp),
            resolvedBy: record.resolvedBy, resolution: record.resolution)
    }
}
