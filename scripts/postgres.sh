#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests: its own data directory, loopback only, trust authentication on
# 127.0.0.1, durable settings (fsync and synchronous_commit on), max_connections 200.
#
#   scripts/postgres.sh start DIR PORT   initialize (first time) and start the cluster kept in DIR, listening on
#                                        127.0.0.1:PORT (the next free port if PORT is taken); create database
#                                        gateway_test; print its URL postgres://USER@127.0.0.1:PORT/gateway_test
#                                        (already running: just print it)
#   scripts/postgres.sh stop DIR         stop the cluster kept in DIR (not running: nothing to do)
#   scripts/postgres.sh url DIR          print the URL of the running cluster kept in DIR, fail if not running
#
# initdb and pg_ctl come from Debian's postgresql package (/usr/lib/postgresql/*/bin), installed with apt-get
# when missing. PostgreSQL refuses to run as root, so as root the cluster belongs to the system user
# $GATEWAY_PG_USER (default gatewaytest, created when missing) and the tools run through runuser. When that user
# cannot reach DIR (a clone under /root, say), the data directory goes to $TMPDIR and DIR records where.
# The server's log is DIR/postgres.log.
set -euo pipefail

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }
die() { echo "postgres.sh: $*" >&2; exit 1; }

[[ $# -ge 1 ]] || { usage >&2; exit 64; }
command=$1
shift
case "$command" in
    start) [[ $# -eq 2 ]] || { usage >&2; exit 64; } ;;
    stop | url) [[ $# -eq 1 ]] || { usage >&2; exit 64; } ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 64 ;;
esac

if [[ $command == start ]]; then
    mkdir -p "$1"
elif [[ ! -d $1 ]]; then
    [[ $command == stop ]] && exit 0
    die "no cluster is running in $1"
fi
dir=$(cd "$1" && pwd -P)
port=${2:-}
if [[ -n $port ]] && ! [[ $port =~ ^[0-9]+$ && $port -ge 1024 && $port -le 65535 ]]; then
    die "PORT must be a number in 1024…65535, not '$port'"
fi

# The PostgreSQL binaries: on PATH, else the newest /usr/lib/postgresql/*/bin, else install Debian's package.
find_bindir() {
    local pg_ctl
    if pg_ctl=$(command -v pg_ctl) && command -v initdb >/dev/null; then
        dirname "$(readlink -f "$pg_ctl")"
        return
    fi
    local candidates
    candidates=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -n $candidates && -x $candidates/pg_ctl && -x $candidates/initdb ]]; then
        echo "$candidates"
    fi
}

bindir=$(find_bindir)
if [[ -z $bindir ]]; then
    [[ $command == start ]] || die "PostgreSQL is not installed, so no cluster can be running in $dir"
    if [[ $(id -u) -eq 0 ]]; then
        sudo=()
    elif command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        die "PostgreSQL is missing; install Debian's postgresql package (as root: apt-get install postgresql)"
    fi
    echo "postgres.sh: installing Debian's postgresql package" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql >&2
    bindir=$(find_bindir)
    [[ -n $bindir ]] || die "the postgresql package is installed but no initdb/pg_ctl was found"
fi

# Who owns and runs the cluster: the caller, or a dedicated system user when the caller is root.
if [[ $(id -u) -eq 0 ]]; then
    user=${GATEWAY_PG_USER:-gatewaytest}
    if ! id -u "$user" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
    fi
    as_owner() { runuser -u "$user" -- "$@"; }
else
    user=$(id -un)
    as_owner() { "$@"; }
fi

# The data directory: DIR/data, or (root, DIR out of the owner's reach) the one recorded in DIR/data-location.
data_dir() {
    if [[ -f $dir/data-location ]]; then
        cat "$dir/data-location"
    else
        echo "$dir/data"
    fi
}

# The port in the running server's postmaster.pid (line 4), nothing when it is not running.
running_port() {
    local data
    data=$(data_dir)
    if [[ -f $data/postmaster.pid ]] && as_owner "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1; then
        sed -n '4p' "$data/postmaster.pid"
    fi
}

print_url() { echo "postgres://$user@127.0.0.1:$1/gateway_test"; }

case "$command" in
    url)
        running=$(running_port)
        [[ -n $running ]] || die "no cluster is running in $dir"
        print_url "$running"
        exit 0
        ;;
    stop)
        if [[ -n $(running_port) ]]; then
            as_owner "$bindir/pg_ctl" stop -D "$(data_dir)" -m fast -w -t 60 >/dev/null ||
                die "could not stop the cluster in $(data_dir)"
        fi
        exit 0
        ;;
esac

running=$(running_port)
if [[ -n $running ]]; then
    [[ $running == "$port" ]] || echo "postgres.sh: the cluster in $dir already runs on port $running" >&2
    print_url "$running"
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    chown "$user:" "$dir"
    chmod 0700 "$dir"
    if [[ ! -f $dir/data-location ]] && ! as_owner test -w "$dir" -a -x "$dir"; then
        fallback="${TMPDIR:-/tmp}/gateway-postgres-$(printf '%s' "$dir" | cksum | cut -d ' ' -f 1)"
        echo "postgres.sh: $user cannot reach $dir; keeping the data in $fallback" >&2
        echo "$fallback" >"$dir/data-location"
    fi
fi
data=$(data_dir)
log=$dir/postgres.log
if [[ $data != "$dir/data" ]]; then
    mkdir -p "$data"
    [[ $(id -u) -ne 0 ]] || chown "$user:" "$data"
    chmod 0700 "$data"
    log=$data/postgres.log
fi

if [[ ! -f $data/PG_VERSION ]]; then
    as_owner "$bindir/initdb" -D "$data" --username="$user" --auth-local=peer --auth-host=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 ||
        as_owner "$bindir/initdb" -D "$data" --username="$user" --auth-local=peer --auth-host=trust \
            --encoding=UTF8 --locale=C >"$data.initdb.log" 2>&1 ||
        { cat "$data.initdb.log" >&2; die "initdb failed"; }
    rm -f "$data.initdb.log"
    # Only loopback IPv4, trusted; the unix socket (inside the private directory) for the owner only.
    as_owner tee "$data/pg_hba.conf" >/dev/null <<EOF
local all all peer
host all all 127.0.0.1/32 trust
EOF
    as_owner tee -a "$data/postgresql.conf" >/dev/null <<EOF

# scripts/postgres.sh: a private test cluster. Durability stays on: the ledger's guarantees are under test.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data'
max_connections = 200
fsync = on
synchronous_commit = on
full_page_writes = on
EOF
fi

# Something else listening on PORT (another checkout's cluster, say): take the next free port instead.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
requested=$port
while port_in_use "$port"; do
    ((port < requested + 50 && port < 65535)) || die "ports $requested…$port on 127.0.0.1 are all in use"
    port=$((port + 1))
done
[[ $port == "$requested" ]] || echo "postgres.sh: 127.0.0.1:$requested is in use; using port $port" >&2

if ! as_owner "$bindir/pg_ctl" start -D "$data" -o "-p $port" -l "$log" -w -t 120 >/dev/null; then
    tail -n 30 "$log" >&2 || true
    die "could not start PostgreSQL on 127.0.0.1:$port (log: $log)"
fi

psql_bin=$bindir/psql
[[ -x $psql_bin ]] || psql_bin=$(command -v psql) || die "psql not found"
psql=("$psql_bin" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$user" -d postgres)
if [[ -z $("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'gateway_test'") ]]; then
    "${psql[@]}" -c "CREATE DATABASE gateway_test" >/dev/null
fi
print_url "$port"
