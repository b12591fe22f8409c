#!/usr/bin/env bash
# Statement parsing of each bank's format at 200,000 and 2,000,000 lines, through the channels' real parsers
# (release build of statement-bench), with each run's peak RSS: the parse must stream, so 2M's peak RSS stays
# within 1.2x of 200k's. Haixi is also downloaded: base64 inside a signed 1004 answer, verified and decoded by
# the channel from disk. Method and figures: BENCHMARKS.md, "Statement parsing".
#
#   scripts/bench-statements.sh                 # all formats, 200k and 2M
#   BENCH_STATEMENT_SIZES=2000000 BENCH_STATEMENT_FORMATS=minbei scripts/bench-statements.sh
#   BENCH_SKIP_BUILD=1 BENCH_SCRATCH=.build-release ...   # reuse a release build
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scratch=${BENCH_SCRATCH:-.build-release}
sizes=${BENCH_STATEMENT_SIZES:-200000 2000000}
formats=${BENCH_STATEMENT_FORMATS:-jiangnan minbei haixi}
work=${BENCH_STATEMENT_DIR:-$(mktemp -d)}
if [[ -z ${BENCH_SKIP_BUILD:-} ]]; then
    swift build -c release --scratch-path "$scratch" --product statement-bench >&2
fi
bench="$scratch/release/statement-bench"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for format in $formats; do
    for size in $sizes; do
        file="$work/$format-$size"
        [[ -s $file ]] || "$bench" generate --format "$format" --lines "$size" --out "$file" >&2
        cat "$file" >/dev/null  # warm page cache
        "$bench" parse --format "$format" --file "$file" | sed "s/^{/{\"lines\":$size,/"
        if [[ $format == haixi ]]; then
            "$bench" download --file "$file" --out "$work/$format-$size.downloaded" | sed "s/^{/{\"lines\":$size,/"
            rm -f "$work/$format-$size.downloaded"
        fi
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
[[ -n ${BENCH_STATEMENT_DIR:-} ]] || rm -rf "$work"
