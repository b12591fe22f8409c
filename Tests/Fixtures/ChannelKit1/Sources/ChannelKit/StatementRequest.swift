import Foundation

/// Asks a channel to download the bank's statement for one business date into a file the gateway names.
public struct StatementRequest: Hashable, Sendable, Codable {
    /// The business date, in the bank's time zone.
    public var businessDate: BusinessDate
    /// Where to write the file. The channel writes the bank's bytes unchanged.
    public var destination: URL

    /// Creates a request.
    public init(businessDate: BusinessDate, destination: URL) {
        self.businessDate = businessDate
        self.destination = destination
    }
}

/// A downloaded statement file.
public struct StatementFile: Hashable, Sendable, Codable {
    /// The business date it covers.
    public var businessDate: BusinessDate
    /// Where it was written.
    public var location: URL
    /// Its size in bytes.
    public var byteCount: Int64
    /// The media type the bank gave (`text/csv`...).
    public var contentType: String?

    /// Creates a description of a downloaded file.
    public init(businessDate: BusinessDate, location: URL, byteCount: Int64, contentType: String?) {
        self.businessDate = businessDate
        self.location = location
        self.byteCount = byteCount
        self.contentType = contentType
    }
}
