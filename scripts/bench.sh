#!/usr/bin/env bash
# The gateway's benchmark (make bench): throughput and latency of payments through the gateway compared with
# the same payments sent straight to the Jiangnan bank simulator. Method and results: BENCHMARKS.md.
#
# Builds release products, then for each storage variant and each run starts, on free loopback ports in a
# temporary directory, one fresh jiangnan-sim (the one bank of the direct and the gateway loads, as production
# has one bank), the benchmark merchant's webhook endpoint (scripts/webhook-sink.py, answers 200) and the
# gateway, and runs `loadgen` four times:
#   direct closed   64 connections straight to the simulator (signed as the Jiangnan plugin signs)
#   gateway closed  64 connections through the gateway (merchant-signed POST /v1/payments)
#   direct open     constant 500 requests/s straight to the simulator
#   gateway open    constant 500 requests/s through the gateway
# The gateway runs as in production: merchant authentication, idempotency, the audit trail, the bank's
# notification of every payment, a webhook for every final state (the merchant's notify_url is the sink), and a
# daily amount cap and a daily count cap on the channel and on the merchant (never reached).
# It prints a markdown table: per run and the median of the runs, the gateway/direct throughput ratio, the p50
# and p99 differences at 500/s and the CPU per payment, checked against issue 13's targets (SQLite: ratio >= 0.5,
# p50 diff <= 2 ms, p99 diff <= 4 ms, gateway CPU <= 0.5 ms/pay; PostgreSQL: ratio >= 0.3, p99 diff <= 8 ms,
# <= 0.6 ms/pay). With PostgreSQL it then runs two gateway nodes on the one database (closed loop, half the
# connections to each) against one node, in the same run.
#
# Storage variants: SQLite (the default, synchronous=FULL) always; PostgreSQL when BENCH_POSTGRES_URL is set
# (a database on this machine, e.g. postgres://bench:bench@127.0.0.1:5432/bench; passed as --database-url).
#
# Environment:
#   BENCH_RUNS         runs per variant (default 3)
#   BENCH_DURATION     measured seconds per loadgen run (default 10)
#   BENCH_WARMUP       warmup seconds per loadgen run, not measured (default 2)
#   BENCH_CONNECTIONS  closed-loop connections (default 64)
#   BENCH_RATE         open-loop requests per second (default 500)
#   BENCH_PAUSE        seconds at least between loadgen runs; then until the simulators and the gateway are idle
#                      (notifications drained), 30 s at most (default 2)
#   BENCH_POSTGRES_URL PostgreSQL URL for the second variant (skipped when unset)
#   BENCH_SKIP_BUILD   1: use the release products as they are
#   BENCH_BIN_DIR      use the products in this directory instead (implies BENCH_SKIP_BUILD; e.g. a debug build
#                      for a quick check of the script itself — its figures are not results)
#   BENCH_DIR          working directory (default: a new temporary directory, removed at the end)
#   BENCH_KEEP         1: keep the working directory (logs, loadgen JSON) at the end
#   BENCH_NODES        0: skip the two-node PostgreSQL comparison (default 1: run it when PostgreSQL is set)
#   BENCH_PROFILE      a directory: record a CPU profile of the gateway (perf record -F 999 -g) during the first
#                      run's closed-loop gateway load of each variant, into DIR/STORAGE.perf.data, and its report
#                      by symbol into DIR/STORAGE.txt. perf costs CPU itself: a profiled run's figures are no
#                      result (use BENCH_RUNS=1 BENCH_NODES=0 for a profile alone)
#   BENCH_LIMITS       0: no daily caps (to measure what the limits cost; not the targets' set-up)
#   BENCH_WEBHOOKS     0: the merchant has no notify_url (each final state's event is still written and recorded
#                      as no_endpoint, nothing is sent; to measure what delivery costs; not the targets' set-up)
#   START_TIMEOUT      seconds to wait for each process to become ready (default 60)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

runs=${BENCH_RUNS:-3}
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
connections=${BENCH_CONNECTIONS:-64}
rate=${BENCH_RATE:-500}
pause=${BENCH_PAUSE:-2}
start_timeout=${START_TIMEOUT:-60}

# The bank's published demo merchant (as in scripts/run-demo.sh); the simulator knows it, the gateway's channel
# uses it, and loadgen signs the direct runs with it.
bank_merchant_no=JN8800001
bank_secret=jn-demo-secret-0001
# The gateway merchant the load comes from; its secret is made up for each benchmark.
merchant_id=bench

say() { printf '%s\n' "$*" >&2; }
fail() { printf 'bench: %s\n' "$*" >&2; exit 1; }

for value in "$runs" "$connections"; do [[ $value =~ ^[1-9][0-9]*$ ]] || fail "BENCH_RUNS and BENCH_CONNECTIONS must be positive integers"; done
for value in "$duration" "$warmup" "$rate" "$pause"; do [[ $value =~ ^[0-9]+([.][0-9]+)?$ ]] || fail "durations and the rate must be numbers"; done

# --- build ---------------------------------------------------------------------------------------------
if [[ -n ${BENCH_BIN_DIR:-} ]]; then BENCH_SKIP_BUILD=1; fi
if [[ ${BENCH_SKIP_BUILD:-} != 1 ]]; then
    say "bench: building release products (swift build -c release)..."
    # One product per invocation: given several --product options, swift build builds only the last one.
    for product in gateway jiangnan-sim loadgen Jiangnan; do
        swift build -c release --product "$product" >&2
    done
fi
bin=${BENCH_BIN_DIR:-$(swift build -c release --show-bin-path)}
for file in gateway jiangnan-sim loadgen libJiangnan.so; do
    [[ -f $bin/$file ]] || fail "$bin/$file is missing; build it with swift build -c release --product ..."
done

# What this gateway build supports: merchant authentication (--merchants) and PostgreSQL (--database-url).
gateway_help=$("$bin/gateway" serve --help 2>&1 || true)
has_option() { grep -q -- "$1" <<<"$gateway_help"; }

# --- working directory and cleanup ---------------------------------------------------------------------
if [[ -n ${BENCH_DIR:-} ]]; then
    work=$BENCH_DIR
    mkdir -p "$work"
    keep=1
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/gateway-bench.XXXXXX")
    keep=${BENCH_KEEP:-0}
fi

# True while pid $1 runs (a zombie counts as gone).
running() {
    local stat
    [[ -n $1 ]] || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    [[ $(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' <<<"$stat") != Z ]]
}
# Stops the processes named by pid (SIGTERM, SIGKILL after 20 s) and waits for them.
stop_pids() {
    local pid alive deadline=$((SECONDS + 20))
    for pid in "$@"; do running "$pid" && kill -TERM "$pid" 2>/dev/null || true; done
    while :; do
        alive=()
        for pid in "$@"; do running "$pid" && alive+=("$pid"); done
        ((${#alive[@]} == 0)) && break
        if ((SECONDS >= deadline)); then
            say "bench: killing ${alive[*]}, still running 20 s after SIGTERM"
            kill -KILL "${alive[@]}" 2>/dev/null || true
            break
        fi
        sleep 0.1
    done
    for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}
sim_pid=
gateway_pid=
second_gateway_pid=
sink_pid=
cleanup() {
    local status=$?
    trap '' INT TERM
    stop_pids $second_gateway_pid $gateway_pid $sim_pid $sink_pid
    if [[ $keep == 1 || $status != 0 ]]; then
        say "bench: logs and loadgen output are in $work"
    else
        rm -rf -- "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers -------------------------------------------------------------------------------------------
# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
command -v python3 >/dev/null || fail "python3 is needed to pick free ports"

# Waits until file $1 exists and is not empty, while pid $2 (called $3, logging to $4) runs.
wait_ready() {
    local deadline=$((SECONDS + start_timeout))
    until [[ -s $1 ]]; do
        if ! running "$2"; then
            say "bench: $3 exited before it was ready. Last lines of $4:"
            tail -n 40 "$4" >&2
            exit 1
        fi
        if ((SECONDS >= deadline)); then
            say "bench: $3 not ready after $start_timeout s. Last lines of $4:"
            tail -n 40 "$4" >&2
            exit 1
        fi
        sleep 0.1
    done
}
# The number after "key": in JSON text ($1 text, $2 key): good enough for the flat files written here.
json_number() { sed -nE "s/.*\"$2\"[[:space:]]*:[[:space:]]*(-?[0-9.]+).*/\1/p" <<<"$1" | head -n 1; }
# The median of numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Arithmetic on decimals: calc 'expression'.
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

# Starts a simulator (fresh ledger) in directory $1, files named after $2; sets sim_pid and sim_port.
start_simulator() {
    local dir=$1 name=$2
    rm -f "$dir/$name.ready"
    # Notification retries only after an hour: a failed delivery (the direct runs' notify URL is the discard
    # port) is not retried during the benchmark.
    "$bin/jiangnan-sim" --host 127.0.0.1 --port 0 --merchant "$bank_merchant_no=$bank_secret" \
        --notify-delays 3600 --ready-file "$dir/$name.ready" >"$dir/$name.log" 2>&1 &
    sim_pid=$!
    wait_ready "$dir/$name.ready" "$sim_pid" "the bank simulator" "$dir/$name.log"
    sim_port=$(json_number "$(<"$dir/$name.ready")" port)
    [[ -n $sim_port ]] || fail "no port in $dir/$name.ready"
}

# Starts the merchant's webhook endpoint in directory $1; sets sink_pid and sink_port.
start_sink() {
    local dir=$1
    rm -f "$dir/sink.ready" "$dir/sink.count"
    python3 scripts/webhook-sink.py --ready-file "$dir/sink.ready" --count-file "$dir/sink.count" >"$dir/sink.log" 2>&1 &
    sink_pid=$!
    wait_ready "$dir/sink.ready" "$sink_pid" "the webhook sink" "$dir/sink.log"
    sink_port=$(json_number "$(<"$dir/sink.ready")" port)
    [[ -n $sink_port ]] || fail "no port in $dir/sink.ready"
}

# Starts a gateway in directory $1 (files under $1/$4, default "gateway") with storage $2 (sqlite or postgres),
# its channel pointing at the simulator on port $3; sets gateway_pid and gateway_port.
start_gateway() {
    local base=$1 storage=$2 sim_port=$3 name=${4:-gateway} port admin_port
    local dir=$base/$name
    mkdir -p "$dir/data" "$dir/plugins" "$dir/channel-configs"
    cp "$bin/libJiangnan.so" "$dir/plugins/.libJiangnan.so.partial"
    mv -f "$dir/plugins/.libJiangnan.so.partial" "$dir/plugins/libJiangnan.so"
    sed -E "s#^endpoint:.*#endpoint: http://127.0.0.1:$sim_port#" channel-configs/jiangnan.yaml >"$dir/channel-configs/jiangnan.yaml"
    grep -q "^endpoint: http://127.0.0.1:$sim_port\$" "$dir/channel-configs/jiangnan.yaml" \
        || fail "channel-configs/jiangnan.yaml has no endpoint line"
    # One daily amount cap and one daily count cap on the channel and on the merchant, never reached: every
    # payment reserves on each of them as in production.
    if [[ ${BENCH_LIMITS:-1} != 0 ]]; then
        printf '%s\n' 'limits:' '  daily_amount: 900000000000' '  daily_count: 900000000' '  merchants:' \
            "    $merchant_id: {daily_amount: 900000000000, daily_count: 900000000}" >>"$dir/channel-configs/jiangnan.yaml"
    fi
    printf 'merchants:\n  - id: %s\n    secret_env: BENCH_MERCHANT_SECRET\n' "$merchant_id" >"$dir/merchants.yaml"
    if [[ ${BENCH_WEBHOOKS:-1} != 0 ]]; then
        printf '    notify_url: http://127.0.0.1:%s/webhooks\n' "$sink_port" >>"$dir/merchants.yaml"
    fi

    local extra=()
    if [[ $auth == signed ]]; then extra+=(--merchants "$dir/merchants.yaml"); fi
    if [[ $storage == postgres ]]; then extra+=(--database-url "$BENCH_POSTGRES_URL"); fi
    # The bank notifies the gateway of every payment, as it would in production: the public URL is the
    # merchant port itself.
    port=$(free_port)
    admin_port=$(free_port)
    while [[ $admin_port == "$port" ]]; do admin_port=$(free_port); done
    rm -f "$dir/gateway.ready"
    JIANGNAN_SECRET=$bank_secret BENCH_MERCHANT_SECRET=$merchant_secret "$bin/gateway" \
        --config-dir "$dir/channel-configs" --plugins-dir "$dir/plugins" --data-dir "$dir/data" \
        --host 127.0.0.1 --port "$port" --admin-host 127.0.0.1 --admin-port "$admin_port" \
        --public-url "http://127.0.0.1:$port" --ready-file "$dir/gateway.ready" "${extra[@]}" \
        >"$dir/gateway.log" 2>&1 &
    gateway_pid=$!
    wait_ready "$dir/gateway.ready" "$gateway_pid" "the gateway" "$dir/gateway.log"
    gateway_port=$(json_number "$(<"$dir/gateway.ready")" merchant_port)
    [[ -n $gateway_port ]] || fail "no merchant_port in $dir/gateway.ready"
}

# CPU time (user + system) of pid $1 so far, in clock ticks (0 for no pid).
cpu_ticks() {
    if [[ -n $1 && -r /proc/$1/stat ]]; then sed -E 's/^.*\) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; else echo 0; fi
}
clock_ticks=$(getconf CLK_TCK)

# Waits (at most 30 s, at least BENCH_PAUSE) until the simulator, the gateway(s) and the webhook sink are idle
# (less than 5% of a core over half a second): the bank's notifications, the webhooks and the gateway's
# background work from the previous load must not run during the next one.
busy_ticks() {
    echo $(($(cpu_ticks "$sim_pid") + $(cpu_ticks "$gateway_pid") + $(cpu_ticks "$second_gateway_pid") + $(cpu_ticks "$sink_pid")))
}
settle() {
    sleep "$pause"
    local deadline=$((SECONDS + 30)) before after
    while ((SECONDS < deadline)); do
        before=$(busy_ticks)
        sleep 0.5
        after=$(busy_ticks)
        ((after - before <= clock_ticks / 40)) && return 0
    done
    say "bench:   (the simulator and the gateway were still busy 30 s after the load)"
}

# Runs loadgen ($1 = name of the output file, $2 = pid of the simulator it loads, directly or through the
# gateway, then loadgen's arguments); prints its JSON. Writes the CPU ticks that simulator and the gateway(s)
# used meanwhile to $1.cpu ("sim gateway").
loadgen() {
    local out=$1 sim_pid=$2
    shift 2
    local status=0 sim_before gateway_before
    sim_before=$(cpu_ticks "$sim_pid")
    gateway_before=$(($(cpu_ticks "$gateway_pid") + $(cpu_ticks "$second_gateway_pid")))
    JIANGNAN_SECRET=$bank_secret BENCH_MERCHANT_SECRET=$merchant_secret \
        "$bin/loadgen" "$@" --duration "$duration" --warmup "$warmup" --json >"$out.json" 2>"$out.log" || status=$?
    echo "$(($(cpu_ticks "$sim_pid") - sim_before)) $(($(cpu_ticks "$gateway_pid") + $(cpu_ticks "$second_gateway_pid") - gateway_before))" >"$out.cpu"
    # 2 = every request failed: still a result (shown with its errors); anything else is a broken run.
    if ((status != 0 && status != 2)); then
        cat "$out.log" >&2
        fail "loadgen $* exited with status $status"
    fi
    cat "$out.json"
}

# --- one variant -----------------------------------------------------------------------------------------
# Columns of the table, one row per run, then the medians.
header='| storage | run | direct req/s | gateway req/s | ratio | direct p50 ms | gateway p50 ms | p50 diff ms '
header+='| direct p99 ms | gateway p99 ms | p99 diff ms | gateway CPU ms/pay | sim CPU ms/pay | webhooks | load | errors |'
divider='| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |'
rows=()
summary=()
node_rows=()

# The errors of a run's loadgen JSON objects: "0", or the total and the counts by kind.
error_note() {
    local json
    for json in "$@"; do sed -nE 's/.*"errors_by_kind":\{([^}]*)\}.*/\1/p' <<<"$json"; done \
        | tr ',' '\n' | tr -d '"' | awk -F: 'NF == 2 { count[$1] += $2; total += $2 }
            END {
                if (total == 0) { printf "0"; exit }
                printf "%d (", total; n = 0
                for (kind in count) printf "%s%s: %d", (n++ ? ", " : ""), kind, count[kind]
                printf ")"
            }'
}

# CPU ms per payment: $1 ticks, $2 loadgen JSON of the load (payments ≈ measured ones scaled up by the warmup).
per_payment() {
    local payments
    payments=$(awk -v n="$(json_number "$2" successes)" -v w="$warmup" -v d="$duration" 'BEGIN { printf "%.0f", n * (w + d) / d }')
    awk -v t="$1" -v hz="$clock_ticks" -v p="$payments" 'BEGIN { if (p > 0) printf "%.3f", t * 1000 / hz / p; else print "-" }'
}

# Stops the run's processes; the sink's count of webhooks goes to $1/sink.count.
stop_run() {
    stop_pids $second_gateway_pid $gateway_pid
    stop_pids $sim_pid $sink_pid
    second_gateway_pid=
    gateway_pid=
    sim_pid=
    sink_pid=
}

# Issue 13's targets: ratio, p50 diff (SQLite only), p99 diff, gateway CPU per payment.
targets() {
    case $1 in
        sqlite) echo "0.5 2 4 0.5" ;;
        *) echo "0.3 - 8 0.6" ;;
    esac
}

run_variant() {
    local storage=$1 label=$2 run dir
    local ratios=() direct_rps=() gateway_rps=() direct_p50=() gateway_p50=() p50_diffs=() direct_p99=() gateway_p99=()
    local diffs=() cpus=()
    for ((run = 1; run <= runs; run++)); do
        dir=$work/$storage-$run
        mkdir -p "$dir"
        say "bench: $label, run $run of $runs: starting the simulator, the webhook sink and the gateway"
        # One simulator for the direct and the gateway loads. The direct loads' notifications go to the discard
        # port and wait an hour for their retry in the simulator's scheduler (a heap entry each, issue 8).
        start_simulator "$dir" sim
        local direct=(--target jiangnan --url "http://127.0.0.1:$sim_port" --merchant-id "$bank_merchant_no"
            --secret-env JIANGNAN_SECRET)
        start_sink "$dir"
        start_gateway "$dir" "$storage" "$sim_port"
        local through=(--target gateway --url "http://127.0.0.1:$gateway_port" --merchant-id "$merchant_id"
            --secret-env BENCH_MERCHANT_SECRET)

        settle
        say "bench:   direct, $connections connections"
        local direct_closed gateway_closed direct_open gateway_open load
        load=$(cut -d' ' -f1 /proc/loadavg)
        direct_closed=$(loadgen "$dir/direct-closed" "$sim_pid" "${direct[@]}" --connections "$connections")
        settle
        say "bench:   gateway, $connections connections"
        local profiler=
        if [[ -n ${BENCH_PROFILE:-} && $run == 1 ]]; then
            mkdir -p "$BENCH_PROFILE"
            # After the warmup, for the measured seconds less one (the load is still on when it stops).
            (sleep "$warmup"; exec perf record -q -F 999 -g -p "$gateway_pid" -o "$BENCH_PROFILE/$storage.perf.data" \
                -- sleep "$(calc "$duration - 1")") >"$BENCH_PROFILE/$storage.perf.log" 2>&1 &
            profiler=$!
        fi
        gateway_closed=$(loadgen "$dir/gateway-closed" "$sim_pid" "${through[@]}" --connections "$connections")
        if [[ -n $profiler ]]; then
            wait "$profiler" || say "bench:   perf record failed: $BENCH_PROFILE/$storage.perf.log"
            perf report -i "$BENCH_PROFILE/$storage.perf.data" --no-children --sort dso,symbol -g none --stdio \
                --percent-limit 0.5 >"$BENCH_PROFILE/$storage.txt" 2>>"$BENCH_PROFILE/$storage.perf.log" || true
            say "bench:   profile: $BENCH_PROFILE/$storage.txt"
        fi
        settle
        say "bench:   direct, $rate/s"
        direct_open=$(loadgen "$dir/direct-open" "$sim_pid" "${direct[@]}" --rate "$rate" --connections "$connections")
        settle
        say "bench:   gateway, $rate/s"
        gateway_open=$(loadgen "$dir/gateway-open" "$sim_pid" "${through[@]}" --rate "$rate" --connections "$connections")
        settle
        stop_run
        local webhooks
        webhooks=$(cat "$dir/sink.count" 2>/dev/null || echo "-")

        local d_rps g_rps d_p50 g_p50 p50_diff d_p99 g_p99 ratio diff
        d_rps=$(json_number "$direct_closed" throughput_rps)
        g_rps=$(json_number "$gateway_closed" throughput_rps)
        d_p50=$(json_number "$direct_open" p50)
        g_p50=$(json_number "$gateway_open" p50)
        d_p99=$(json_number "$direct_open" p99)
        g_p99=$(json_number "$gateway_open" p99)
        ratio=$(awk -v g="$g_rps" -v d="$d_rps" 'BEGIN { if (d > 0) printf "%.3f", g / d; else print "0" }')
        p50_diff=$(calc "$g_p50 - $d_p50")
        diff=$(calc "$g_p99 - $d_p99")
        local sim_cpu gateway_cpu
        read -r sim_cpu gateway_cpu <"$dir/gateway-closed.cpu"
        gateway_cpu=$(per_payment "$gateway_cpu" "$gateway_closed")
        sim_cpu=$(per_payment "$sim_cpu" "$gateway_closed")
        direct_rps+=("$d_rps"); gateway_rps+=("$g_rps"); ratios+=("$ratio")
        direct_p50+=("$d_p50"); gateway_p50+=("$g_p50"); p50_diffs+=("$p50_diff")
        direct_p99+=("$d_p99"); gateway_p99+=("$g_p99"); diffs+=("$diff"); cpus+=("$gateway_cpu")
        local errors
        errors=$(error_note "$direct_closed" "$gateway_closed" "$direct_open" "$gateway_open")
        rows+=("| $label | $run | $d_rps | $g_rps | $ratio | $d_p50 | $g_p50 | $p50_diff | $d_p99 | $g_p99 | $diff \
| $gateway_cpu | $sim_cpu | $webhooks | $load | $errors |")
    done
    local m_ratio m_p50 m_diff m_cpu
    m_ratio=$(median "${ratios[@]}")
    m_p50=$(median "${p50_diffs[@]}")
    m_diff=$(median "${diffs[@]}")
    m_cpu=$(median "${cpus[@]}")
    rows+=("| $label | **median** | $(median "${direct_rps[@]}") | $(median "${gateway_rps[@]}") | **$m_ratio** \
| $(median "${direct_p50[@]}") | $(median "${gateway_p50[@]}") | **$m_p50** \
| $(median "${direct_p99[@]}") | $(median "${gateway_p99[@]}") | **$m_diff** | **$m_cpu** | | | | |")
    local t_ratio t_p50 t_p99 t_cpu
    read -r t_ratio t_p50 t_p99 t_cpu <<<"$(targets "$storage")"
    met() { awk -v v="$1" -v t="$3" "BEGIN { print (v $2 t) ? \"met\" : \"NOT met\" }"; }
    local line="- $label: throughput ratio $m_ratio (target >= $t_ratio: $(met "$m_ratio" '>=' "$t_ratio"))"
    if [[ $t_p50 != - ]]; then line+="; p50 at $rate/s $m_p50 ms above direct (target <= $t_p50 ms: $(met "$m_p50" '<=' "$t_p50"))"; fi
    line+="; p99 $m_diff ms above direct (target <= $t_p99 ms: $(met "$m_diff" '<=' "$t_p99"))"
    line+="; gateway CPU $m_cpu ms/pay (target <= $t_cpu: $(met "$m_cpu" '<=' "$t_cpu"))"
    summary+=("$line")
}

# Two gateway nodes on the one PostgreSQL database against one node, closed loop, in the same run: the one node
# gets all connections, the two nodes half each (two loadgens at once; their throughputs add up).
run_nodes() {
    local run dir one_rps=() two_rps=() scale=()
    local half=$(((connections + 1) / 2))
    for ((run = 1; run <= runs; run++)); do
        dir=$work/nodes-$run
        mkdir -p "$dir"
        say "bench: PostgreSQL nodes, run $run of $runs"
        start_simulator "$dir" sim
        start_sink "$dir"
        start_gateway "$dir" postgres "$sim_port" gateway-1
        local first_port=$gateway_port first_pid=$gateway_pid
        settle
        local load one
        load=$(cut -d' ' -f1 /proc/loadavg)
        say "bench:   one node, $connections connections"
        one=$(loadgen "$dir/one-node" "$sim_pid" --target gateway --url "http://127.0.0.1:$first_port" \
            --merchant-id "$merchant_id" --secret-env BENCH_MERCHANT_SECRET --connections "$connections")
        start_gateway "$dir" postgres "$sim_port" gateway-2
        second_gateway_pid=$gateway_pid
        local second_port=$gateway_port
        gateway_pid=$first_pid
        settle
        say "bench:   two nodes, $half connections each"
        local a b cpu_before cpu_after
        cpu_before=$(($(cpu_ticks "$gateway_pid") + $(cpu_ticks "$second_gateway_pid")))
        JIANGNAN_SECRET=$bank_secret BENCH_MERCHANT_SECRET=$merchant_secret "$bin/loadgen" --target gateway \
            --url "http://127.0.0.1:$first_port" --merchant-id "$merchant_id" --secret-env BENCH_MERCHANT_SECRET \
            --connections "$half" --duration "$duration" --warmup "$warmup" --json >"$dir/node-1.json" 2>"$dir/node-1.log" &
        a=$!
        JIANGNAN_SECRET=$bank_secret BENCH_MERCHANT_SECRET=$merchant_secret "$bin/loadgen" --target gateway \
            --url "http://127.0.0.1:$second_port" --merchant-id "$merchant_id" --secret-env BENCH_MERCHANT_SECRET \
            --connections "$half" --duration "$duration" --warmup "$warmup" --json >"$dir/node-2.json" 2>"$dir/node-2.log" &
        b=$!
        wait "$a" || fail "loadgen against node 1 failed (see $dir/node-1.log)"
        wait "$b" || fail "loadgen against node 2 failed (see $dir/node-2.log)"
        cpu_after=$(($(cpu_ticks "$gateway_pid") + $(cpu_ticks "$second_gateway_pid")))
        settle
        stop_run
        local r1 r2a r2b r2 ratio one_cpu two_cpu
        r1=$(json_number "$one" throughput_rps)
        r2a=$(json_number "$(<"$dir/node-1.json")" throughput_rps)
        r2b=$(json_number "$(<"$dir/node-2.json")" throughput_rps)
        r2=$(calc "$r2a + $r2b")
        ratio=$(awk -v a="$r2" -v b="$r1" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "0" }')
        read -r _ one_cpu <"$dir/one-node.cpu"
        one_cpu=$(per_payment "$one_cpu" "$one")
        two_cpu=$(awk -v t="$((cpu_after - cpu_before))" -v hz="$clock_ticks" -v n="$(calc "($r2a + $r2b) * ($warmup + $duration)")" \
            'BEGIN { if (n > 0) printf "%.3f", t * 1000 / hz / n; else print "-" }')
        one_rps+=("$r1"); two_rps+=("$r2"); scale+=("$ratio")
        node_rows+=("| $run | $r1 | $r2a + $r2b = $r2 | $ratio | $one_cpu | $two_cpu | $load | $(error_note "$one" "$(<"$dir/node-1.json")" "$(<"$dir/node-2.json")") |")
    done
    node_rows+=("| **median** | $(median "${one_rps[@]}") | $(median "${two_rps[@]}") | **$(median "${scale[@]}")** | | | | |")
}

# --- the variants ----------------------------------------------------------------------------------------
merchant_secret=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
if has_option --merchants; then
    auth=signed
    auth_note="merchant authentication on (--merchants, every request signed and verified)"
else
    auth=unsigned
    auth_note="merchant authentication NOT in this gateway build (no --merchants option): requests are signed, the gateway ignores the signature headers"
fi
say "bench: $auth_note"

variants=("sqlite|SQLite")
if [[ -n ${BENCH_POSTGRES_URL:-} ]]; then
    if has_option --database-url; then
        variants+=("postgres|PostgreSQL")
    else
        say "bench: BENCH_POSTGRES_URL is set but this gateway build has no --database-url option: PostgreSQL skipped"
    fi
else
    say "bench: BENCH_POSTGRES_URL is not set: PostgreSQL skipped"
fi

for variant in "${variants[@]}"; do
    run_variant "${variant%%|*}" "${variant#*|}"
done
if [[ " ${variants[*]} " == *" postgres|PostgreSQL "* && ${BENCH_NODES:-1} != 0 ]]; then run_nodes; fi

# --- report ----------------------------------------------------------------------------------------------
cpu=$(sed -nE 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain 2>/dev/null) ]]; then revision+=" (with uncommitted changes)"; fi
swift_version=$(swift --version 2>/dev/null | head -n 1)
built_note=
build_kind="Release build"
if [[ -n ${BENCH_BIN_DIR:-} ]]; then build_kind="Products of BENCH_BIN_DIR=$BENCH_BIN_DIR (a check of the script, not a result unless that is a release build)"; fi
if [[ ${BENCH_SKIP_BUILD:-} == 1 ]]; then
    built_note=" (not rebuilt: the gateway binary dates from $(date -u -r "$bin/gateway" '+%Y-%m-%d %H:%M UTC'))"
fi
webhook_note="webhooks on (every final state to a local endpoint answering 200)"
if [[ ${BENCH_WEBHOOKS:-1} == 0 ]]; then webhook_note="webhooks OFF (BENCH_WEBHOOKS=0: no notify_url, events recorded as no_endpoint)"; fi
limits_note="a daily amount and count cap on the channel and the merchant"
if [[ ${BENCH_LIMITS:-1} == 0 ]]; then limits_note="limits OFF (BENCH_LIMITS=0: no daily caps)"; fi
printf '%s\n' \
    "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($cpu), $swift_version, commit $revision." \
    "$build_kind$built_note; loadgen, jiangnan-sim, the webhook sink and the gateway share the machine. $auth_note;" \
    "$webhook_note; $limits_note. Per load: ${warmup} s warmup + ${duration} s measured. req/s: successful payments per second," \
    "closed loop at $connections connections. p50/p99: open loop at $rate/s, from the intended send time. CPU ms/pay:" \
    "CPU time of the gateway and of the simulator per payment in the gateway closed-loop run (the bank's" \
    "notifications and the webhooks included). webhooks: delivered to the sink in the run. load: 1-minute load" \
    "average when the run started (other work on the machine makes the numbers noisy)." \
    "" "$header" "$divider"
printf '%s\n' "${rows[@]}"
printf '\n'
printf '%s\n' "${summary[@]}"
if [[ " ${variants[*]} " == *" postgres|PostgreSQL "* ]]; then
    # Durability is not traded away: the server's settings that decide it, as the benchmark ran.
    pg_settings=$(psql "$BENCH_POSTGRES_URL" -XAtq -F= -c "SELECT name, setting FROM pg_settings WHERE name IN
        ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'commit_delay', 'max_connections',
        'shared_buffers', 'server_version') ORDER BY name" 2>/dev/null | paste -sd' ' - || true)
    printf '%s\n' "" "PostgreSQL: ${pg_settings:-(settings not readable with psql)}; the gateway's pool: its default" \
        "max_connections (\`PostgresPaymentStore.Configuration\`) unless the URL sets one."
fi
if ((${#node_rows[@]} > 0)); then
    printf '%s\n' "" "Two gateway nodes on one PostgreSQL (same machine: this shows contention, not scale):" "" \
        "| run | one node req/s | two nodes req/s | two / one | CPU ms/pay, one node | CPU ms/pay, both nodes | load | errors |" \
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    printf '%s\n' "${node_rows[@]}"
fi
