import Foundation

/// The process's peak resident set size (`VmHWM` of /proc/self/status).
enum PeakMemory {
    static func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return -1 }
        return (kib / 1024 * 10).rounded() / 10
    }
}
