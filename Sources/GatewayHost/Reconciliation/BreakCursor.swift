import Foundation

/// Where a page of `GET /admin/recon/breaks` ended: the sort key of its last break (first seen, channel, class,
/// transaction, id — the list's order). The next page starts after it, so breaks stored or resolved between
/// two pages neither repeat nor shift the rest. Opaque to callers: base64url of the key's fields.
struct BreakCursor: Equatable, Sendable {
    var firstSeen: String
    var channel: String
    var breakClass: String
    var transactionId: String
    var id: String

    init(after record: BreakRecord) {
        firstSeen = record.firstSeen
        channel = record.channel
        breakClass = record.breakClass.rawValue
        transactionId = record.transactionId ?? ""
        id = record.id
    }

    /// Reads a token from ``token``; nil for anything else.
    init?(token: String) {
        guard token.count <= 1024 else { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let fields = try? JSONDecoder().decode([String].self, from: data), fields.count == 5
        else { return nil }
        (firstSeen, channel, breakClass, transactionId, id) = (fields[0], fields[1], fields[2], fields[3], fields[4])
    }

    var token: String {
        let data = (try? JSONEncoder().encode([firstSeen, channel, breakClass, transactionId, id])) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
