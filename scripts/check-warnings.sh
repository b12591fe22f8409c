#!/usr/bin/env bash
# Builds ChannelKit on its own with its warnings shown (CHANNELKIT_SHOW_WARNINGS) and fails on any warning
# other than the one ChannelKit's Package.swift silences on purpose: Foundation on Linux is not compiled with
# library evolution support. The rest of the package builds without suppression; `make test` shows those.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
(cd "$root/Sources/ChannelKit" &&
    CHANNELKIT_SHOW_WARNINGS=1 swift build --scratch-path "$root/.build/channelkit-warnings" 2>&1) >"$log" || {
    cat "$log"
    exit 1
}
others="$(grep -E 'warning:' "$log" | grep -v 'was not compiled with library evolution support' | sort -u || true)"
if [ -n "$others" ]; then
    echo "check-warnings: ChannelKit has warnings:" >&2
    echo "$others" >&2
    exit 1
fi
echo "check-warnings: ChannelKit builds with no warnings besides Foundation's library-evolution notice"
