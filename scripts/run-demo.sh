#!/usr/bin/env bash
# Runs the gateway with every demo bank channel (Jiangnan, Minbei, Haixi) each against its own bank simulator, for a
# demo or a smoke test. Expects a finished `swift build` (`make run` does both). Stays in the foreground;
# Ctrl-C or SIGTERM stops the gateway and the simulators.
#
# State lives under RUN_DIR (default .run/): data/ (ledger), plugins/, channel-configs/, logs/, *.ready, *.pid.
#
# Environment:
#   RUN_DIR         state directory, relative to the repository root or absolute (default .run)
#   MERCHANT_PORT   merchant API port (default 8080, or a free port when 8080 is taken)
#   ADMIN_PORT      admin API port (default 8081, or a free port when 8081 is taken)
#   START_TIMEOUT   seconds to wait for each process to become ready (default 60)
#   GATEWAY_MERCHANT_DEMO_SECRET
#                   the secret of the demo merchant `demo` of merchants.yaml (default: its documented demo
#                   secret, demo-merchant-secret); given to the gateway process only
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

# The demo banks: each one's simulator, plugin, and the merchant number and key published in its interface
# document (../shared/banks/*.md), given to its simulator and, through the environment, to the gateway only.
# Haixi signs with RSA key pairs instead: no private key is published, so the demo makes its own (see below).
banks=(jiangnan minbei haixi)
declare -A sim_product=([jiangnan]=jiangnan-sim [minbei]=minbei-sim [haixi]=haixi-sim)
declare -A plugin_file=([jiangnan]=libJiangnan.so [minbei]=libMinbei.so [haixi]=libHaixi.so)
declare -A demo_merchant_no=([jiangnan]=JN8800001 [minbei]=MB0001 [haixi]=HX310000001)
declare -A demo_secret=([jiangnan]=jn-demo-secret-0001 [minbei]=mb-demo-key-0001)
declare -A secret_variable=([jiangnan]=JIANGNAN_SECRET [minbei]=MINBEI_KEY)

# The gateway's demo merchant (merchants.yaml) and its documented demo secret (docs/MERCHANT-AUTH.md), unless
# the caller brought their own.
merchants_file=$root/merchants.yaml
merchant_id=demo
merchant_secret_variable=GATEWAY_MERCHANT_DEMO_SECRET
merchant_secret=${GATEWAY_MERCHANT_DEMO_SECRET:-}
merchant_secret_is_demo=false
if [[ -z $merchant_secret ]]; then
    merchant_secret=demo-merchant-secret
    merchant_secret_is_demo=true
fi

run_dir=${RUN_DIR:-.run}
[[ $run_dir == /* ]] || run_dir=$root/$run_dir
data_dir=$run_dir/data
plugins_dir=$run_dir/plugins
config_dir=$run_dir/channel-configs
log_dir=$run_dir/logs
start_timeout=${START_TIMEOUT:-60}

say() { printf '%s\n' "$*"; }
fail() { printf 'run-demo: %s\n' "$*" >&2; exit 1; }
# A path for display: relative to the repository root when it is inside it.
shown() { local path=$1; [[ $path == "$root"/* ]] && path=${path#"$root"/}; printf '%s' "$path"; }

# --- binaries ------------------------------------------------------------------------------------------
bin=$(swift build --show-bin-path)
for file in gateway gatewayctl "${sim_product[@]}" "${plugin_file[@]}"; do
    [[ -f $bin/$file ]] || fail "$(shown "$bin")/$file is missing; build first (make build)"
done

# --- a process of ours still running from an earlier demo in the same RUN_DIR? -------------------------
# True while pid $1 runs (a zombie counts as gone).
running() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    [[ $(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' <<<"$stat") != Z ]]
}
for name in gateway "${sim_product[@]}"; do
    pid_file=$run_dir/$name.pid
    if [[ -s $pid_file ]]; then
        pid=$(<"$pid_file")
        if running "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "/$name "; then
            fail "$name from an earlier demo in $(shown "$run_dir") is still running (pid $pid); stop it first"
        fi
    fi
done

mkdir -p "$data_dir" "$plugins_dir" "$config_dir" "$log_dir"
[[ -f $merchants_file ]] || fail "$(shown "$merchants_file") is missing"

# --- ports ---------------------------------------------------------------------------------------------
# True when nothing is bound to 127.0.0.1:$1.
port_free() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT leftovers do not count
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)' "$1"
    else
        ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}
# Prints a free port other than $1.
free_port() {
    local port
    if command -v python3 >/dev/null; then
        while :; do
            port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
            [[ $port != "$1" ]] && break
        done
    else
        for ((port = 18080; port < 19080; port++)); do
            [[ $port != "$1" ]] && port_free "$port" && break
        done
    fi
    printf '%s' "$port"
}
# Prints $1 when free and not $2, else a free port.
pick_port() {
    if [[ $1 != "${2:-}" ]] && port_free "$1"; then printf '%s' "$1"; else free_port "${2:-0}"; fi
}
merchant_port=${MERCHANT_PORT:-$(pick_port 8080)}
admin_port=${ADMIN_PORT:-$(pick_port 8081 "$merchant_port")}

# --- stop what we started, whatever happens ------------------------------------------------------------
declare -A sim_pid=()
gateway_pid=
cleanup() {
    local status=$?
    trap '' INT TERM
    local pids=() pid name
    for pid in $gateway_pid "${sim_pid[@]}"; do
        if running "$pid"; then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
        fi
    done
    if ((${#pids[@]} > 0)); then
        say "Stopping the gateway and the bank simulators..."
        local deadline=$((SECONDS + 20)) alive
        while :; do
            alive=()
            for pid in "${pids[@]}"; do running "$pid" && alive+=("$pid"); done
            ((${#alive[@]} == 0)) && break
            if ((SECONDS >= deadline)); then
                say "run-demo: killing ${alive[*]}, still running 20 s after SIGTERM" >&2
                kill -KILL "${alive[@]}" 2>/dev/null || true
                break
            fi
            sleep 0.1
        done
        for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    fi
    rm -f "$run_dir/gateway.pid"
    for name in "${sim_product[@]}"; do rm -f "$run_dir/$name.pid"; done
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits until file $1 exists and is not empty, while pid $2 (called $3, logging to $4) runs.
wait_ready() {
    local deadline=$((SECONDS + start_timeout))
    until [[ -s $1 ]]; do
        if ! running "$2"; then
            say "run-demo: $3 exited before it was ready. Last lines of $(shown "$4"):" >&2
            tail -n 40 "$4" >&2
            exit 1
        fi
        if ((SECONDS >= deadline)); then
            say "run-demo: $3 not ready after $start_timeout s. Last lines of $(shown "$4"):" >&2
            tail -n 40 "$4" >&2
            exit 1
        fi
        sleep 0.1
    done
}
# The number after "key": in a JSON file ($1 file, $2 key).
json_number() { sed -nE "s/.*\"$2\"[[:space:]]*:[[:space:]]*([0-9]+).*/\1/p" "$1" | head -n 1; }

# --- Haixi's key pairs: made once per RUN_DIR, private keys readable by the owner only ------------------------
keys_dir=$run_dir/keys
mkdir -p "$keys_dir"
chmod 700 "$keys_dir"
for pair in haixi-merchant haixi-bank; do
    if [[ ! -s $keys_dir/$pair.pem || ! -s $keys_dir/$pair.pub ]]; then
        (umask 077 && "$bin/haixi-sim" keygen --private "$keys_dir/$pair.pem" --public "$keys_dir/$pair.pub") \
            >"$log_dir/haixi-keygen.log" 2>&1 || fail "haixi-sim keygen failed; see $(shown "$log_dir")/haixi-keygen.log"
    fi
done

# --- bank simulators, plugins and channel configs -------------------------------------------------------
rm -f "$run_dir/gateway.ready"
declare -A sim_port=()
for bank in "${banks[@]}"; do
    sim=${sim_product[$bank]}
    rm -f "$run_dir/$sim.ready"
    case $bank in
        # The bank knows the merchant's public key and signs with its own private key.
        haixi) merchant_args=(--merchant "${demo_merchant_no[$bank]}=$keys_dir/haixi-merchant.pub" --bank-key "$keys_dir/haixi-bank.pem") ;;
        *) merchant_args=(--merchant "${demo_merchant_no[$bank]}=${demo_secret[$bank]}") ;;
    esac
    "$bin/$sim" --host 127.0.0.1 --port 0 "${merchant_args[@]}" \
        --ready-file "$run_dir/$sim.ready" >"$log_dir/$sim.log" 2>&1 &
    sim_pid[$bank]=$!
    echo "${sim_pid[$bank]}" >"$run_dir/$sim.pid"
done
for bank in "${banks[@]}"; do
    sim=${sim_product[$bank]}
    wait_ready "$run_dir/$sim.ready" "${sim_pid[$bank]}" "the $bank bank simulator" "$log_dir/$sim.log"
    sim_port[$bank]=$(json_number "$run_dir/$sim.ready" port)
    [[ -n ${sim_port[$bank]} ]] || fail "no port in $(shown "$run_dir")/$sim.ready: $(<"$run_dir/$sim.ready")"

    # Never overwrite a .so in place (a running process may have it mapped): copy to a temporary name, then rename.
    plugin=${plugin_file[$bank]}
    tmp_plugin=$plugins_dir/.$plugin.partial.$$
    cp "$bin/$plugin" "$tmp_plugin"
    mv -f "$tmp_plugin" "$plugins_dir/$plugin"

    tmp_config=$config_dir/.$bank.yaml.partial.$$
    sed -E "s#^endpoint:.*#endpoint: http://127.0.0.1:${sim_port[$bank]}#" "channel-configs/$bank.yaml" >"$tmp_config"
    grep -q "^endpoint: http://127.0.0.1:${sim_port[$bank]}\$" "$tmp_config" || fail "channel-configs/$bank.yaml has no endpoint line"
    mv -f "$tmp_config" "$config_dir/$bank.yaml"
done

# --- the admin token: a random one per RUN_DIR, in a file only the owner can read -----------------------------
admin_token_file=$run_dir/admin-token
if [[ ! -s $admin_token_file ]]; then
    (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$admin_token_file.partial.$$" &&
        mv -f "$admin_token_file.partial.$$" "$admin_token_file")
fi
chmod 600 "$admin_token_file"
admin_tokens=$run_dir/admin-tokens.yaml
printf 'tokens:\n  - name: demo-ops\n    token_file: %s\n' "$admin_token_file" >"$admin_tokens"

# --- gateway (the only process that gets the channels' secrets and the merchant's secret) -------------------
channel_secrets=()
for bank in "${banks[@]}"; do
    [[ -n ${secret_variable[$bank]:-} ]] && channel_secrets+=("${secret_variable[$bank]}=${demo_secret[$bank]}")
done
env "${channel_secrets[@]}" GATEWAY_MERCHANT_DEMO_SECRET=$merchant_secret "$bin/gateway" \
    --config-dir "$config_dir" --plugins-dir "$plugins_dir" --data-dir "$data_dir" --merchants "$merchants_file" \
    --admin-tokens "$admin_tokens" \
    --host 127.0.0.1 --port "$merchant_port" --admin-host 127.0.0.1 --admin-port "$admin_port" \
    --public-url "http://127.0.0.1:$merchant_port" --ready-file "$run_dir/gateway.ready" \
    >"$log_dir/gateway.log" 2>&1 &
gateway_pid=$!
echo "$gateway_pid" >"$run_dir/gateway.pid"
wait_ready "$run_dir/gateway.ready" "$gateway_pid" "the gateway" "$log_dir/gateway.log"
merchant_port=$(json_number "$run_dir/gateway.ready" merchant_port)
admin_port=$(json_number "$run_dir/gateway.ready" admin_port)
merchant_url=http://127.0.0.1:$merchant_port
admin_url=http://127.0.0.1:$admin_port
if [[ $bin -ef $root/.build/debug ]]; then gatewayctl=.build/debug/gatewayctl; else gatewayctl=$(shown "$bin/gatewayctl"); fi

# The printed commands carry the documented demo secret, so that they work when pasted into another shell; a
# secret the caller brought stays out of the output (their shell has it already).
if [[ $merchant_secret_is_demo == true ]]; then
    with_secret="$merchant_secret_variable=$merchant_secret "
else
    with_secret=
fi
order_id=demo-$(date +%s)
signing="--merchant-id $merchant_id --secret-env $merchant_secret_variable"
body='{"merchant_order_id":"'"$order_id"'","amount":12345,"currency":"CNY","subject":"Demo tea","channel":"jiangnan"}'

say ""
say "The gateway is running with the channels ${banks[*]}, each against its bank's simulator."
say "  merchant API    $merchant_url   (described in docs/openapi.yaml; requests are signed: docs/MERCHANT-AUTH.md)"
say "  admin API       $admin_url  (bearer token in $(shown "$admin_token_file"))"
for bank in "${banks[@]}"; do
    say "  bank simulator  http://127.0.0.1:${sim_port[$bank]}  ($bank, ${sim_product[$bank]}; merchant ${demo_merchant_no[$bank]})"
done
if [[ $merchant_secret_is_demo == true ]]; then
    say "  merchant        $merchant_id  ($(shown "$merchants_file"); secret: the documented demo secret $merchant_secret)"
else
    say "  merchant        $merchant_id  ($(shown "$merchants_file"); secret: your $merchant_secret_variable)"
fi
say "  state and logs  $(shown "$run_dir")/  (logs/gateway.log, logs/<bank>-sim.log)"
say ""
say "Channels and plugins:"
"$bin/gatewayctl" channels --admin-url "$admin_url" --admin-token-file "$admin_token_file" 2>&1 | sed 's/^./  &/' || true
say ""
say "Inspect them again with:"
say "  $gatewayctl channels --admin-url $admin_url --admin-token-file $(shown "$admin_token_file")"
say "  (or: export GATEWAY_ADMIN_URL=$admin_url GATEWAY_ADMIN_TOKEN_FILE=$(shown "$admin_token_file"); $gatewayctl channels)"
say "Operate the channel live (written into $(shown "$config_dir")/jiangnan.yaml, applied at once; docs/LIVE-OPERATIONS.md):"
say "  $gatewayctl channels offline jiangnan --reason demo --admin-url $admin_url --admin-token-file $(shown "$admin_token_file")"
say "  $gatewayctl channels online jiangnan --admin-url $admin_url --admin-token-file $(shown "$admin_token_file")"
say ""
say "Pay as merchant $merchant_id: gatewayctl signs the request and prints the payment (--json for the raw answer;"
say "a subject tag such as [sim:insufficient-funds] picks a bank scenario, see README.md)."
say "pay command:"
say "$with_secret$gatewayctl pay --url $merchant_url $signing --amount 12345 --currency CNY --subject 'Demo tea' --channel jiangnan"
for bank in "${banks[@]}"; do
    [[ $bank == jiangnan ]] && continue
    say "pay command ($bank):"
    say "$with_secret$gatewayctl pay --url $merchant_url $signing --amount 12345 --currency CNY --subject 'Demo tea' --channel $bank"
done
say ""
say "Or sign with gatewayctl and send with curl (sign prints the curl command; this runs it at once, since a"
say "signature is good for one request within 5 minutes; run it again to see the idempotent replay):"
say "signed curl command:"
say "eval \"\$($with_secret$gatewayctl sign $signing --curl $merchant_url POST /v1/payments --body '$body')\""
say ""
say "Press Ctrl-C to stop the gateway and the bank simulators."

# --- foreground until a signal, or until one of the processes exits -------------------------------------
status=0
wait -n "$gateway_pid" "${sim_pid[@]}" || status=$?
# A Ctrl-C reaches every process of the group, so a child may beat our own trap: give the trap a moment to run.
sleep 0.5
if ! running "$gateway_pid"; then
    fail "the gateway exited (status $status); see $(shown "$log_dir")/gateway.log"
fi
for bank in "${banks[@]}"; do
    if ! running "${sim_pid[$bank]}"; then
        fail "the $bank bank simulator exited (status $status); see $(shown "$log_dir")/${sim_product[$bank]}.log"
    fi
done
fail "a process exited (status $status); see $(shown "$log_dir")/"
