/// Who makes the admin request being handled: the name of its bearer token (`AdminTokens`), recorded on every
/// change it makes (the comment written into a config file, the log line).
enum AdminIdentity {
    @TaskLocal static var name: String?
}
