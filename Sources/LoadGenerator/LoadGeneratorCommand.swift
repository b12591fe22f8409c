// Placeholder while the load generator is being written (issue 3); replaced in the same change set.
@main
struct LoadGeneratorCommand {
    static func main() { print("loadgen: not built yet") }
}
