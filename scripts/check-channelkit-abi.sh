#!/usr/bin/env bash
# Enforces ChannelKit's compatibility rules (docs/CHANNELKIT-COMPATIBILITY.md) on the binary interface that
# plugins link against: the Swift symbols libChannelKit.so exports.
#
#   scripts/check-channelkit-abi.sh            compare the built library with the baseline of its major version
#   scripts/check-channelkit-abi.sh --record   write the baseline for the current version (after a release)
#
# The baseline Sources/ChannelKit/abi/ChannelKit-MAJOR.MINOR.symbols lists every exported symbol of the last
# released MAJOR.MINOR. Against the newest baseline of the same major:
#   - same version: the symbol set must be identical (an addition needs a minor bump, a removal a major one);
#   - newer minor:  no symbol may disappear (a minor release is additive: every existing plugin keeps loading);
#   - newer major:  anything may change, and a new baseline must be recorded.
# A removed symbol is what makes an existing plugin fail at dlopen with `undefined symbol: $s10ChannelKit…`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ABI="$ROOT/Sources/ChannelKit/abi"
VERSION_FILE="$ROOT/Sources/ChannelKit/Sources/ChannelKit/ChannelKitVersion.swift"
log() { printf 'check-channelkit-abi: %s\n' "$*" >&2; }

version="$(sed -n 's/.*public static var api: String { "\([0-9]*\.[0-9]*\)" }.*/\1/p' "$VERSION_FILE")"
[[ -n "$version" ]] || { log "cannot read ChannelKitVersion.api from $VERSION_FILE"; exit 1; }
major="${version%%.*}"
minor="${version##*.}"

bin="$(cd "$ROOT" && swift build --show-bin-path)"
library="$bin/libChannelKit.so"
[[ -f "$library" ]] || { log "no $library: build the package first (swift build)"; exit 1; }
current="$(mktemp)"
trap 'rm -f "$current"' EXIT
nm -D --defined-only "$library" | awk '{print $3}' | grep -E '^\$s.*10ChannelKit' | LC_ALL=C sort -u >"$current"
[[ -s "$current" ]] || { log "no ChannelKit symbols found in $library"; exit 1; }

if [[ "${1:-}" == "--record" ]]; then
    mkdir -p "$ABI"
    cp "$current" "$ABI/ChannelKit-$version.symbols"
    chmod 644 "$ABI/ChannelKit-$version.symbols"
    log "recorded $(wc -l <"$current") symbols as ChannelKit-$version.symbols"
    exit 0
fi

baseline="$(ls "$ABI"/ChannelKit-"$major".*.symbols 2>/dev/null | sort -t. -k2,2n | tail -1 || true)"
if [[ -z "$baseline" ]]; then
    log "no baseline for ChannelKit $major.x: a new major version must record one (--record) when it is released"
    exit 1
fi
base_version="$(basename "$baseline" .symbols)"
base_version="${base_version#ChannelKit-}"
base_minor="${base_version##*.}"
removed="$(LC_ALL=C comm -23 "$baseline" "$current")"
added="$(LC_ALL=C comm -13 "$baseline" "$current")"

if [[ -n "$removed" ]]; then
    log "ChannelKit $version removes symbols of $base_version — existing plugins would fail to load. A removal or"
    log "signature change needs a new major version (see docs/CHANNELKIT-COMPATIBILITY.md). Removed:"
    printf '%s\n' "$removed" | head -40 >&2
    exit 1
fi
if [[ -n "$added" && "$minor" -le "$base_minor" ]]; then
    log "ChannelKit adds API but still says $version: raise the minor version (ChannelKitVersion.api and"
    log "buildDescription), note it in docs/CHANNELKIT-CHANGELOG.md, and record its baseline on release. Added:"
    printf '%s\n' "$added" | head -40 >&2
    exit 1
fi
log "ChannelKit $version keeps every symbol of $base_version ($(wc -l <"$baseline") symbols; $(printf '%s' "$added" | grep -c . || true) added)"
