#!/usr/bin/env bash
# The limits benchmark (make bench-limits, part of make bench): gateway throughput with every payment counted
# against one hot daily cap of its channel and of its merchant on that channel, against the same gateway's
# throughput with no limits, in the same run. Issue 10's target: limits >= 0.8x no limits, SQLite and PostgreSQL.
#
# Per storage variant and run, on free loopback ports in a temporary directory: one jiangnan-sim and one gateway
# with two channels on that simulator, `jiangnan` (no limits) and `jiangnan-capped` (channel daily_amount and
# daily_count caps, and the merchant's caps on it, all far above what the run reaches, so nothing is refused but
# every payment reserves on both counters). loadgen then runs closed loops at BENCH_CONNECTIONS against each
# channel in turn, the order alternating from run to run. Prints a markdown table (BENCHMARKS.md, "Limits").
#
# Environment: BENCH_RUNS (3), BENCH_DURATION (10), BENCH_WARMUP (2), BENCH_CONNECTIONS (64), BENCH_PAUSE (2),
# BENCH_QUIET_LOAD (1.5) and BENCH_QUIET_WAIT (180: each run waits for the load to fall below it, at most that long),
# BENCH_POSTGRES_URL (PostgreSQL variant; skipped when unset), BENCH_SKIP_BUILD=1, BENCH_KEEP=1, BENCH_SCRATCH
# (the release build's --scratch-path; default .build).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=${BENCH_RUNS:-3}
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
connections=${BENCH_CONNECTIONS:-64}
pause=${BENCH_PAUSE:-2}
scratch=${BENCH_SCRATCH:-.build}
bank_merchant_no=JN8800001
bank_secret=jn-demo-secret-0001
merchant_id=bench
merchant_secret=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')

say() { printf '%s\n' "$*" >&2; }
fail() { printf 'bench-limits: %s\n' "$*" >&2; exit 1; }

if [[ ${BENCH_SKIP_BUILD:-} != 1 ]]; then
    say "bench-limits: building release products..."
    for product in gateway jiangnan-sim loadgen Jiangnan; do
        swift build -c release --scratch-path "$scratch" --product "$product" >&2
    done
fi
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
for file in gateway jiangnan-sim loadgen libJiangnan.so; do
    [[ -f $bin/$file ]] || fail "$bin/$file is missing; build it with swift build -c release --product ..."
done

work=$(mktemp -d "${TMPDIR:-/tmp}/gateway-bench-limits.XXXXXX")
pids=()
cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ ${BENCH_KEEP:-} == 1 || $status != 0 ]]; then say "bench-limits: logs are in $work"; else rm -rf "$work"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json_number() { sed -nE "s/.*\"$2\"[[:space:]]*:[[:space:]]*(-?[0-9.]+).*/\1/p" <<<"$1" | head -n 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
wait_ready() {
    local deadline=$((SECONDS + 60))
    until [[ -s $1 ]]; do
        kill -0 "$2" 2>/dev/null || { tail -n 30 "$3" >&2; fail "a process exited before it was ready ($3)"; }
        ((SECONDS < deadline)) || { tail -n 30 "$3" >&2; fail "not ready after 60 s ($3)"; }
        sleep 0.1
    done
}

# Waits (at most BENCH_QUIET_WAIT s, default 180) until the 1-minute load average is below BENCH_QUIET_LOAD (1.5):
# a figure taken while the previous run (or anything else) still loads the machine is not a result. The table
# shows the load each run started at.
quiet() {
    local deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-180}))
    while awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v m="${BENCH_QUIET_LOAD:-1.5}" 'BEGIN { exit !(l >= m) }'; do
        if ((SECONDS >= deadline)); then say "bench-limits:   load still $(cut -d' ' -f1 /proc/loadavg) after waiting"; return; fi
        sleep 5
    done
}

run_load() {  # $1 output name, $2 channel
    JIANGNAN_SECRET=$bank_secret BENCH_MERCHANT_SECRET=$merchant_secret "$bin/loadgen" --target gateway \
        --url "http://127.0.0.1:$gateway_port" --merchant-id "$merchant_id" --secret-env BENCH_MERCHANT_SECRET \
        --channel "$2" --connections "$connections" --duration "$duration" --warmup "$warmup" --json \
        >"$1.json" 2>"$1.log" || fail "loadgen exited with status $? (see $1.log)"
    cat "$1.json"
}

rows=()
summary=()
run_variant() {
    local storage=$1 label=$2 ratios=() plain_all=() capped_all=()
    for ((run = 1; run <= runs; run++)); do
        local dir=$work/$storage-$run
        mkdir -p "$dir/data" "$dir/plugins" "$dir/channel-configs"
        "$bin/jiangnan-sim" --host 127.0.0.1 --port 0 --merchant "$bank_merchant_no=$bank_secret" \
            --notify-delays 3600 --ready-file "$dir/sim.ready" >"$dir/sim.log" 2>&1 &
        local sim_pid=$!
        pids+=("$sim_pid")
        wait_ready "$dir/sim.ready" "$sim_pid" "$dir/sim.log"
        local sim_port
        sim_port=$(json_number "$(<"$dir/sim.ready")" port)
        cp "$bin/libJiangnan.so" "$dir/plugins/.libJiangnan.so.partial"
        mv -f "$dir/plugins/.libJiangnan.so.partial" "$dir/plugins/libJiangnan.so"
        sed -E "s#^endpoint:.*#endpoint: http://127.0.0.1:$sim_port#" channel-configs/jiangnan.yaml >"$dir/channel-configs/jiangnan.yaml"
        sed -E -e "s#^endpoint:.*#endpoint: http://127.0.0.1:$sim_port#" -e "s#^id:.*#id: jiangnan-capped#" \
            channel-configs/jiangnan.yaml >"$dir/channel-configs/jiangnan-capped.yaml"
        printf '%s\n' 'limits:' '  daily_amount: 900000000000' '  daily_count: 900000000' '  merchants:' \
            "    $merchant_id: {daily_amount: 900000000000, daily_count: 900000000}" >>"$dir/channel-configs/jiangnan-capped.yaml"
        printf 'merchants:\n  - id: %s\n    secret_env: BENCH_MERCHANT_SECRET\n' "$merchant_id" >"$dir/merchants.yaml"
        local extra=() port admin_port
        [[ $storage == postgres ]] && extra+=(--database-url "$BENCH_POSTGRES_URL")
        port=$(free_port); admin_port=$(free_port)
        JIANGNAN_SECRET=$bank_secret BENCH_MERCHANT_SECRET=$merchant_secret "$bin/gateway" \
            --config-dir "$dir/channel-configs" --plugins-dir "$dir/plugins" --data-dir "$dir/data" \
            --merchants "$dir/merchants.yaml" --host 127.0.0.1 --port "$port" --admin-host 127.0.0.1 \
            --admin-port "$admin_port" --public-url "http://127.0.0.1:$port" --ready-file "$dir/gateway.ready" \
            "${extra[@]}" >"$dir/gateway.log" 2>&1 &
        local gateway_pid=$!
        pids+=("$gateway_pid")
        wait_ready "$dir/gateway.ready" "$gateway_pid" "$dir/gateway.log"
        gateway_port=$(json_number "$(<"$dir/gateway.ready")" merchant_port)
        local load= order plain capped
        if ((run % 2)); then order="jiangnan jiangnan-capped"; else order="jiangnan-capped jiangnan"; fi
        for channel in $order; do
            sleep "$pause"
            quiet
            load+="${load:+ / }$(cut -d' ' -f1 /proc/loadavg)"
            say "bench-limits: $label, run $run of $runs: $channel"
            local json
            json=$(run_load "$dir/$channel" "$channel")
            if [[ $channel == jiangnan ]]; then plain=$(json_number "$json" throughput_rps); else capped=$(json_number "$json" throughput_rps); fi
            local errors
            errors=$(json_number "$json" errors)
            [[ -z $errors || $errors == 0 ]] || say "bench-limits:   $errors errors (see $dir/$channel.json)"
        done
        kill -TERM "$gateway_pid" "$sim_pid" 2>/dev/null || true
        wait "$gateway_pid" "$sim_pid" 2>/dev/null || true
        local ratio
        ratio=$(awk -v c="$capped" -v p="$plain" 'BEGIN { if (p > 0) printf "%.3f", c / p; else print "0" }')
        ratios+=("$ratio"); plain_all+=("$plain"); capped_all+=("$capped")
        rows+=("| $label | $run | $plain | $capped | $ratio | $load |")
    done
    local m
    m=$(median "${ratios[@]}")
    rows+=("| $label | **median** | $(median "${plain_all[@]}") | $(median "${capped_all[@]}") | **$m** | |")
    summary+=("- $label: limits / no limits $m (target >= 0.8: $(awk -v r="$m" 'BEGIN { print (r >= 0.8) ? "met" : "NOT met" }'))")
}

run_variant sqlite SQLite
if [[ -n ${BENCH_POSTGRES_URL:-} ]]; then run_variant postgres PostgreSQL; else say "bench-limits: BENCH_POSTGRES_URL is not set: PostgreSQL skipped"; fi

printf '%s\n' \
    "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ -n $(git status --porcelain 2>/dev/null) ]] && echo ' (with uncommitted changes)')." \
    "Release build; closed loop at $connections connections, ${warmup} s warmup + ${duration} s measured per load; req/s: successful payments per second." \
    "" "| storage | run | no limits req/s | one hot cap req/s | ratio | load at each load's start (in run order) |" "| --- | --- | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
printf '\n'
printf '%s\n' "${summary[@]}"
