#!/usr/bin/env bash
# Runs a guide's commands exactly as the document writes them, so that the guide cannot rot.
#
#   scripts/run-guide.sh [FILE]        FILE defaults to docs/PARTNER-GUIDE.md
#
# The commands are the fenced blocks whose opening line is exactly  ```sh guide  (other blocks are examples
# and are not run). They run in document order, in one bash with `set -euo pipefail`, from the repository
# root, so a variable or `cd` of one block holds in the next. Background jobs a block starts (`cmd &`) are
# stopped when the run ends, pass or fail. Exits non-zero when the document has no such block, when a block is
# not closed, or when any command fails (the block and its line in FILE are named).
#
# Environment passed on to the blocks: GUIDE_WORK (a directory for the guide's state; default: a fresh
# temporary directory, removed afterwards), GATEWAY_BIN_DIR (where gateway and gatewayctl were built; default
# `swift build --show-bin-path`). With GUIDE_WORK set, its contents are removed first except the plugin
# packages' .build directories, so that a re-run builds incrementally.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
file=${1:-docs/PARTNER-GUIDE.md}
[[ -f $file ]] || { echo "run-guide: $file does not exist" >&2; exit 1; }

script=$(mktemp "${TMPDIR:-/tmp}/run-guide.XXXXXX")
cleanup_work=
cleanup() {
    rm -f "$script"
    if [[ -n $cleanup_work ]]; then rm -rf "$cleanup_work"; fi
}
trap cleanup EXIT

# Extract: each block becomes a marker (for the error message) and its lines, unchanged.
if ! awk -v file="$file" '
    /^```sh guide[[:space:]]*$/ {
        if (inside) { printf "run-guide: %s:%d: a block opens inside the block of line %d\n", file, NR, start > "/dev/stderr"; exit 2 }
        inside = 1; start = NR; blocks++
        printf "guide_block %d %d\n", blocks, NR + 1
        next
    }
    inside && /^```[[:space:]]*$/ { inside = 0; next }
    inside { print }
    END {
        if (inside) { printf "run-guide: %s:%d: the block is never closed\n", file, start > "/dev/stderr"; exit 2 }
        if (blocks == 0) { printf "run-guide: %s has no ```sh guide block\n", file > "/dev/stderr"; exit 3 }
    }' "$file" >"$script.body"; then
    rm -f "$script.body"
    exit 1
fi

blocks=$(grep -c '^guide_block ' "$script.body")
{
    printf 'set -euo pipefail\n'
    # Which block is running, for the failure message; then the blocks themselves.
    printf 'guide_file=%q\n' "$file"
    printf 'guide_block() { guide_current="block $1 of %s (%s:%s)"; printf "run-guide: %%s\\n" "$guide_current" >&2; }\n' "$blocks" "$file" '$2'
    printf 'guide_stop_jobs() { local pids; pids=$(jobs -pr); if [[ -n $pids ]]; then kill $pids 2>/dev/null || true; wait $pids 2>/dev/null || true; fi; }\n'
    printf 'trap '\''status=$?; guide_stop_jobs; if ((status != 0)); then printf "run-guide: FAILED (exit %%s) in %%s\\n" "$status" "${guide_current:-?}" >&2; fi'\'' EXIT\n'
    cat "$script.body"
} >"$script"
rm -f "$script.body"

if [[ -n ${GUIDE_WORK:-} ]]; then
    mkdir -p "$GUIDE_WORK"
    GUIDE_WORK=$(cd "$GUIDE_WORK" && pwd)
    # Keep the packages' build caches only.
    find "$GUIDE_WORK" -mindepth 1 -maxdepth 1 -print0 | while IFS= read -r -d '' entry; do
        if [[ -d $entry/.build ]]; then
            find "$entry" -mindepth 1 -maxdepth 1 ! -name .build -exec rm -rf {} +
        else
            rm -rf "$entry"
        fi
    done
else
    GUIDE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/partner-guide.XXXXXX")
    cleanup_work=$GUIDE_WORK
fi
export GUIDE_WORK
echo "run-guide: $blocks blocks of $file, state in $GUIDE_WORK" >&2
bash "$script"
echo "run-guide: all $blocks blocks of $file passed" >&2
