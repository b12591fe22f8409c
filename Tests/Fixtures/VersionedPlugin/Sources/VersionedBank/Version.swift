let pluginVersion = "1.0.0"
let manifestIsBroken = false
