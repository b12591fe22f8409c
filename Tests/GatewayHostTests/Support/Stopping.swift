/// Runs `body` with `value`, then `stop`s it whether `body` returned or threw: the test stacks' `with`.
func stopping<Value>(
    _ value: Value, stop: (Value) async -> Void, _ body: (Value) async throws -> Void
) async throws {
    do {
        try await body(value)
    } catch {
        await stop(value)
        throw error
    }
    await stop(value)
}
