#!/usr/bin/env bash
# Builds the plugin test fixtures the gateway's integration tests load (Tests/GatewayHostTests).
#
#   scripts/build-fixtures.sh [OUTDIR]        OUTDIR defaults to <repo>/.build/fixtures
#
# Produces in OUTDIR:
#   libPartnerBank.so      a partner's plugin package built outside the root package (id partner-bank): only
#                          pay/refund/query, no statements, notifications or self-check, an optional credential
#   libThrowingPlugin.so   a plugin whose init throws "no licence file" (id throwing)
#   libNewerPlugin.so      a plugin built against a newer ChannelKit, 2.1 (undefined $s10ChannelKit... symbol)
#   libLegacyPlugin.so     a plugin built against ChannelKit 1.0 (Tests/Fixtures/ChannelKit1, frozen)
#   libNoEntry.so          a valid shared object without channelkit_plugin_entry
#   libOldChannelKit.so    a C entry point reporting api=1.0 (a 1.x build whose symbols all resolve)
#   libWrongCompiler.so    a C entry point reporting api=2.0, swift=5.10
#   libVersionedBank-1.so, -2.so, -3.so   one plugin module (id versioned-bank) in versions 1.0.0, 2.0.0 and a
#                          broken 3.0.0 (invalid manifest), for hot upgrade tests
#   libFixtureBank.so and libFixture<Bug>.so   the conformance fixtures (Tests/Fixtures/ConformancePlugins): a
#                          correct channel for the fixture bank, and the same channel with one classic adapter
#                          bug each (TimeoutDeclined, BusyDeclined, WrongRefundTotals, DropsStatementLine,
#                          UnverifiedNotification, LogsSecret, RewritesId), for the ChannelKitTesting suite's tests
# Each SwiftPM fixture has its own scratch path under <repo>/.build/fixtures-build/NAME, so the root package's
# build is never touched. Idempotent: re-running rebuilds only what changed. Exits non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/.build/fixtures}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$ROOT/.build/fixtures-build"
FIXTURES="$ROOT/Tests/Fixtures"
CC="${CC:-cc}"
mkdir -p "$WORK"

log() { printf 'build-fixtures: %s\n' "$*" >&2; }

# Copies the files of SRC (without .build, .swiftpm) into DST, then the files of OVERLAY if given; copies only
# files whose content changed and deletes files that are in neither, so SwiftPM sees no spurious change.
sync_tree() {
    local src="$1" dst="$2" overlay="${3:-}" dir f
    mkdir -p "$dst"
    for dir in "$src" ${overlay:+"$overlay"}; do
        while IFS= read -r -d '' f; do
            if ! cmp -s "$dir/$f" "$dst/$f"; then
                mkdir -p "$dst/$(dirname "$f")"
                cp -p "$dir/$f" "$dst/$f"
            fi
        done < <(cd "$dir" && find . \( -name .build -o -name .swiftpm \) -prune -o -type f -print0)
    done
    while IFS= read -r -d '' f; do
        if [[ ! -e "$src/$f" && ( -z "$overlay" || ! -e "$overlay/$f" ) ]]; then
            rm -f "$dst/$f"
        fi
    done < <(cd "$dst" && find . \( -name .build -o -name .swiftpm -o -name Package.resolved \) -prune -o -type f -print0)
}

# Builds the SwiftPM package at $1 with scratch path $2 (debug); prints its bin dir.
swift_build() {
    local package="$1" scratch="$2"
    log "swift build --package-path ${package#"$ROOT"/} --scratch-path ${scratch#"$ROOT"/}"
    swift build -c debug --package-path "$package" --scratch-path "$scratch" >&2
    swift build -c debug --package-path "$package" --scratch-path "$scratch" --show-bin-path
}

# Installs $1 into OUT as $2 (default: same name) by writing a temp file and renaming, only when it changed.
install_fixture() {
    local src="$1" name="${2:-$(basename "$1")}"
    [[ -f "$src" ]] || { log "missing build product $src"; exit 1; }
    if ! cmp -s "$src" "$OUT/$name"; then
        cp "$src" "$OUT/.$name.tmp"
        mv -f "$OUT/.$name.tmp" "$OUT/$name"
    fi
    BUILT+=("$name")
}

# Fails unless library $1 has an undefined dynamic symbol matching the regex $2.
require_undefined() {
    # grep reads the whole list (no -q): an early exit would fail nm with SIGPIPE under pipefail.
    nm -D --undefined-only "$1" | grep -E "$2" >/dev/null || { log "$(basename "$1") lacks an undefined symbol /$2/"; exit 1; }
}

BUILT=()

# 1. The partner's package: PartnerBank + ThrowingPlugin.
bin="$(swift_build "$FIXTURES/PartnerPlugin" "$WORK/PartnerPlugin")"
install_fixture "$bin/libPartnerBank.so"
install_fixture "$bin/libThrowingPlugin.so"

# 2. A plugin built against a newer ChannelKit: a copy of Sources/ChannelKit with one extra public API, its
# version raised one minor (2.0 -> 2.1) so that its build description says so.
stage="$WORK/newer-src"
sync_tree "$ROOT/Sources/ChannelKit" "$stage/ChannelKit" "$FIXTURES/NewerChannelKit"
sync_tree "$FIXTURES/NewerPlugin" "$stage/NewerPlugin"
version_file="$stage/ChannelKit/Sources/ChannelKit/ChannelKitVersion.swift"
api="$(sed -n 's/.*public static var api: String { "\([0-9]*\)\.\([0-9]*\)" }.*/\1 \2/p' "$version_file")"
[[ -n "$api" ]] || { log "cannot read the ChannelKit api version in $version_file"; exit 1; }
read -r major minor <<<"$api"
newer="$major.$((minor + 1))"
sed -i -e "s/public static var api: String { \"$major\.$minor\" }/public static var api: String { \"$newer\" }/" \
    -e "s/;api=$major\.$minor;/;api=$newer;/g" "$version_file"
grep -q "api=$newer;" "$version_file" || { log "could not raise the staged ChannelKit to $newer"; exit 1; }
bin="$(swift_build "$stage/NewerPlugin" "$WORK/NewerPlugin")"
require_undefined "$bin/libNewerPlugin.so" '\$s10ChannelKit0aB4Next'
install_fixture "$bin/libNewerPlugin.so"

# 3. A real plugin built against ChannelKit 1.0.
bin="$(swift_build "$FIXTURES/LegacyPlugin" "$WORK/LegacyPlugin")"
require_undefined "$bin/libLegacyPlugin.so" '\$s10ChannelKit0A5Error'
install_fixture "$bin/libLegacyPlugin.so"

# 4. One plugin in three versions: the same module (VersionedBank, id versioned-bank) built three times from a
# staged copy whose Version.swift differs — 1.0.0, 2.0.0, and 3.0.0 with an invalid manifest — for the upgrade
# tests. One scratch path: ChannelKit is built once, each version recompiles only the plugin module.
stage="$WORK/versioned-src"
sync_tree "$FIXTURES/VersionedPlugin" "$stage"
for spec in 1.0.0:false 2.0.0:false 3.0.0:true; do
    version="${spec%%:*}"
    broken="${spec##*:}"
    file="$stage/Sources/VersionedBank/Version.swift"
    want="$(printf 'let pluginVersion = "%s"\nlet manifestIsBroken = %s' "$version" "$broken")"
    [[ "$(cat "$file")" == "$want" ]] || printf '%s\n' "$want" >"$file"
    bin="$(CHANNELKIT_PATH="$ROOT/Sources/ChannelKit" swift_build "$stage" "$WORK/VersionedPlugin")"
    install_fixture "$bin/libVersionedBank.so" "libVersionedBank-${version%%.*}.so"
done

# 5. The conformance fixtures: one package, one product per bug (a shared core with a per-product flag).
bin="$(swift_build "$FIXTURES/ConformancePlugins" "$WORK/ConformancePlugins")"
for name in FixtureBank FixtureTimeoutDeclined FixtureBusyDeclined FixtureWrongRefundTotals FixtureDropsStatementLine \
    FixtureUnverifiedNotification FixtureLogsSecret FixtureRewritesId; do
    install_fixture "$bin/lib$name.so"
done

# 6. Bad shared objects written in C.
cdir="$WORK/c"
mkdir -p "$cdir"
cflags=(-shared -fPIC -O1 -Wall -Wextra -Werror)
log "$CC ${cflags[*]} (libNoEntry, libOldChannelKit, libWrongCompiler)"
"$CC" "${cflags[@]}" -o "$cdir/libNoEntry.so" "$FIXTURES/BadPlugins/no_entry.c"
"$CC" "${cflags[@]}" -DFIXTURE_DESCRIPTION='"channelkit-entry=1;api=1.0;swift=6.3.1"' \
    -o "$cdir/libOldChannelKit.so" "$FIXTURES/BadPlugins/fake_entry.c"
"$CC" "${cflags[@]}" -DFIXTURE_DESCRIPTION='"channelkit-entry=1;api=2.0;swift=5.10"' \
    -o "$cdir/libWrongCompiler.so" "$FIXTURES/BadPlugins/fake_entry.c"
for name in libNoEntry.so libOldChannelKit.so libWrongCompiler.so; do
    install_fixture "$cdir/$name"
done

echo "fixtures in $OUT:"
for name in "${BUILT[@]}"; do
    printf '  %-22s %8d bytes\n' "$name" "$(stat -c %s "$OUT/$name")"
done
