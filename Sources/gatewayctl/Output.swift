import Foundation

/// Printing answers on stdout.
enum Output {
    /// Prints an answer as pretty JSON with sorted keys, or as received when it is not JSON.
    static func printJSON(_ body: [UInt8]) {
        let data = Data(body)
        if let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let pretty = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        {
            print(String(decoding: pretty, as: UTF8.self))
        } else {
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
