#!/usr/bin/env bash
# The reconciliation benchmark (make bench-recon, and part of make bench): one channel's business day of N
# ledger rows against an N-line Jiangnan statement, reconciled end to end by the release gateway (statement file
# already on disk; ledger read from the store, the plugin's parse, match, discrepancy files, stored run), next to
# the pandas reference (../shared/bench/recon_pandas.py, pandas + pyarrow) on the same data exported as CSV.
# Prints a markdown table: per size, the gateway's wall time (the run's duration) and the gateway process's peak
# RSS, pandas' wall time and peak RSS, and the ratios. Method and results: BENCHMARKS.md.
#
# Data: `gateway recon-generate` (N settled rows, every tenth a refund, plus BENCH_RECON_EACH cases of each
# discrepancy class). Each size gets a fresh ledger. Both tools are timed warm (files read once before).
#
# Environment:
#   BENCH_RECON_SIZES     row counts (default "100000 500000 1000000 2000000")
#   BENCH_RECON_EACH      injected cases per discrepancy class (default 100)
#   BENCH_RECON_RUNS      gateway runs per size; the first also settles the injected pending rows (default 3)
#   BENCH_POSTGRES_URL    also measure PostgreSQL at BENCH_RECON_PG_SIZES (default "2000000"); the database is
#                         emptied (payments, refunds, recon tables) before each size
#   BENCH_PANDAS_REF      the pandas script (default ../shared/bench/recon_pandas.py); skipped when missing
#   BENCH_SKIP_BUILD      1: use the release products as they are
#   BENCH_SCRATCH         swift build --scratch-path for the release products (default: .build)
#   BENCH_DIR             working directory (default: a new temporary directory, removed at the end)
#   BENCH_KEEP            1: keep it
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
sizes=${BENCH_RECON_SIZES:-100000 500000 1000000 2000000}
each=${BENCH_RECON_EACH:-100}
runs=${BENCH_RECON_RUNS:-3}
pg_sizes=${BENCH_RECON_PG_SIZES:-2000000}
pandas_ref=${BENCH_PANDAS_REF:-$root/../shared/bench/recon_pandas.py}
scratch=()
if [[ -n ${BENCH_SCRATCH:-} ]]; then scratch=(--scratch-path "$BENCH_SCRATCH"); fi
date=2026-11-24

say() { printf '%s\n' "$*" >&2; }
fail() { say "bench-recon: $*"; exit 1; }

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
    say "bench-recon: building release products..."
    for product in gateway Jiangnan jiangnan-sim; do swift build -c release "${scratch[@]}" --product "$product" >&2; done
fi
bin=$(swift build -c release "${scratch[@]}" --show-bin-path)
for file in gateway libJiangnan.so jiangnan-sim; do [[ -f $bin/$file ]] || fail "$bin/$file is missing"; done

work=${BENCH_DIR:-$(mktemp -d -t bench-recon.XXXXXX)}
mkdir -p "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ -z ${BENCH_DIR:-} && ${BENCH_KEEP:-0} != 1 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# pandas and pyarrow in the benchmark's own venv.
venv=$root/.build/bench-venv
if [[ -f $pandas_ref ]]; then
    if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import pandas, pyarrow' 2>/dev/null; then
        say "bench-recon: installing pandas and pyarrow into $venv..."
        python3 -m venv "$venv" >&2 || fail "python3 -m venv failed (apt-get install python3-venv)"
        "$venv/bin/pip" install --quiet pandas pyarrow >&2 || fail "pip install pandas pyarrow failed"
    fi
else
    say "bench-recon: $pandas_ref not found; the pandas reference is skipped"
fi

free_port() { python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json_number() { sed -nE "s/.*\"$2\"[[:space:]]*:[[:space:]]*(-?[0-9.]+).*/\1/p" <<<"$1" | head -n 1; }
wait_file() { local deadline=$((SECONDS + 120)); until [[ -s $1 ]]; do ((SECONDS < deadline)) || fail "$1 not ready"; sleep 0.1; done; }
peak_rss_mib() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
rss_mib() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

secret=bench-bank-secret
admin_token=bench-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d " \n")
merchant_no=JN8800001

"$bin/jiangnan-sim" --host 127.0.0.1 --port 0 --merchant "$merchant_no=$secret" --ready-file "$work/sim.ready" \
    >"$work/sim.log" 2>&1 &
pids+=($!)
wait_file "$work/sim.ready"
sim_port=$(json_number "$(<"$work/sim.ready")" port)

# Runs one size on one store ($1 sqlite|postgres, $2 rows); prints one table row.
measure() {
    local store=$1 rows=$2 dir="$work/$1-$2"
    mkdir -p "$dir/data" "$dir/plugins" "$dir/configs" "$dir/csv"
    local target=(--data-dir "$dir/data") gateway_store=()
    if [[ $store == postgres ]]; then
        psql "$BENCH_POSTGRES_URL" -q -c "DROP TABLE IF EXISTS recon_jobs, recon_breaks, recon_runs, webhook_attempts, webhook_events, transitions, refunds, payments, merchant_nonces, schema_migrations CASCADE" >/dev/null
        target=(--database-url "$BENCH_POSTGRES_URL" --statement-out "$dir/data/statements/jiangnan/$date.statement")
        gateway_store=(--database-url "$BENCH_POSTGRES_URL")
    fi
    say "bench-recon: $store $rows rows: generating..."
    "$bin/gateway" recon-generate "${target[@]}" --date "$date" --rows "$rows" --each "$each" --seed 42 \
        --answer-key "$dir/key.json" --pandas-dir "$dir/csv" 2>"$dir/generate.log"
    cp "$bin/libJiangnan.so" "$dir/plugins/libJiangnan.so"
    sed -E "s#^endpoint:.*#endpoint: http://127.0.0.1:$sim_port#" channel-configs/jiangnan.yaml >"$dir/configs/jiangnan.yaml"
    printf 'tokens:\n  - name: bench\n    token_env: BENCH_ADMIN_TOKEN\n' >"$dir/tokens.yaml"
    printf 'merchants: []\n' >"$dir/merchants.yaml"
    local port admin_port
    port=$(free_port); admin_port=$(free_port)
    JIANGNAN_SECRET=$secret BENCH_ADMIN_TOKEN=$admin_token "$bin/gateway" \
        --config-dir "$dir/configs" --plugins-dir "$dir/plugins" --data-dir "$dir/data" --host 127.0.0.1 \
        --port "$port" --admin-port "$admin_port" --admin-tokens "$dir/tokens.yaml" --merchants "$dir/merchants.yaml" \
        --ready-file "$dir/gateway.ready" --no-recovery --recon-poll-ms 0 --log-level warning "${gateway_store[@]}" \
        >"$dir/gateway.log" 2>&1 &
    local gateway_pid=$!
    pids+=("$gateway_pid")
    wait_file "$dir/gateway.ready"
    local base_rss; base_rss=$(rss_mib "$gateway_pid")
    cat "$dir/data/statements/jiangnan/$date.statement" "$dir/data"/ledger.sqlite* >/dev/null 2>&1 || true
    local times=() peaks=() answer load
    for ((run = 1; run <= runs; run++)); do
        load=$(cut -d' ' -f1 /proc/loadavg)
        # Peak RSS per run: reset the kernel's high-water mark (clear_refs 5) before each.
        echo 5 >"/proc/$gateway_pid/clear_refs" 2>/dev/null || true
        answer=$(curl -sS --max-time 600 -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
            -d "{\"channel\":\"jiangnan\",\"date\":\"$date\"}" "http://127.0.0.1:$admin_port/admin/recon/runs")
        [[ $answer == *'"duration_ms"'* ]] || fail "run failed: $answer"
        printf '%s\n' "$answer" >"$dir/run-$run.json"
        times+=("$(json_number "$answer" duration_ms)")
        peaks+=("$(peak_rss_mib "$gateway_pid")")
    done
    local peak=${peaks[$((runs - 1))]}
    local phases; phases=$(sed -nE 's/.*"phases":\{([^}]*)\}.*/\1/p' "$dir/run-$runs.json")
    kill "$gateway_pid"; wait "$gateway_pid" 2>/dev/null || true
    local pandas_s=- pandas_mib=-
    if [[ -f $pandas_ref && $store == sqlite ]]; then
        cat "$dir/csv/ledger.csv" "$dir/csv/statement.csv" >/dev/null
        "$venv/bin/python" "$pandas_ref" "$dir/csv" >/dev/null 2>&1 || true
        local out; out=$("$venv/bin/python" "$pandas_ref" "$dir/csv" 2>&1)
        pandas_s=$(sed -nE 's/.*seconds=([0-9.]+).*/\1/p' <<<"$out")
        pandas_mib=$(sed -nE 's/.*peak_rss_mib=([0-9]+).*/\1/p' <<<"$out")
    fi
    local last=${times[$((runs - 1))]}
    local ratio=- memory=-
    if [[ $pandas_s != - ]]; then
        ratio=$(awk "BEGIN { printf \"%.1fx\", $pandas_s * 1000 / $last }")
        memory=$(awk "BEGIN { printf \"%.2f\", $peak / $pandas_mib }")
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$store" "$rows" "${times[*]}" "${peaks[*]}" "$base_rss" \
        "$pandas_s" "$pandas_mib" "$ratio" "$memory" "$load"
    say "bench-recon: $store $rows phases (last run, ms): $phases"
}

printf '| store | rows | gateway run ms (runs 1..%s) | gateway peak RSS MiB per run | gateway RSS before MiB | pandas s | pandas peak MiB | pandas s / gateway s (last run) | gateway/pandas peak memory | load |\n' "$runs"
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for rows in $sizes; do measure sqlite "$rows"; done
if [[ -n ${BENCH_POSTGRES_URL:-} ]]; then
    command -v psql >/dev/null || fail "psql is needed for the PostgreSQL variant"
    for rows in $pg_sizes; do measure postgres "$rows"; done
fi
