import Foundation
/// The `--notify-delays` option every simulator takes: seconds before each notification retry, comma-separated,
/// fractions allowed, the last one repeating.
public enum NotifySchedule {
    /// The delays of `text`, or `nil` unless it is one or more finite, non-negative numbers.
    public static func parse(_ text: String) -> [Double]? {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map { $0 >= 0 && $0.isFinite } ?? false }) else { return nil }
        return values.compactMap { $0 }
    }
}
