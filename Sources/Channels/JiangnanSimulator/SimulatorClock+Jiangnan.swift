import JiangnanProtocol
import SimulatorSupport

extension SimulatorClock {
    /// Bank time text (`yyyy-MM-ddTHH:mm:ss+08:00`) of Unix milliseconds.
    static func bankTime(_ milliseconds: Int64) -> String {
        JiangnanTime.format(date(milliseconds))
    }
}
