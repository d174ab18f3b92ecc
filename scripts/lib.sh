#!/usr/bin/env bash
# Shared steps for the demo, the tests and the benchmarks: install what is
# missing, build and install vqc, and run a throwaway PostgreSQL cluster as the
# `postgres` user on its own port and socket directory.
set -euo pipefail

VQC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# VQC_PGBIN: another PostgreSQL 15's bin directory (a private copy of the
# Debian tree, say, so that a developer's install does not touch the system's)
PGBIN=${VQC_PGBIN:-/usr/lib/postgresql/15/bin}
export PGBIN

# Debian packages the project needs; installed only when missing.
VQC_PACKAGES=(postgresql-15 postgresql-server-dev-15 libpcre2-dev pkg-config make gcc
              postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl postgresql-15-cron
              python3 python3-numpy python3-scipy python3-sklearn python3-statsmodels python3-nltk
              postgresql-15-tdigest postgresql-15-hll)

vqc_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

vqc_install_packages() {
    local missing=() p
    for p in "${VQC_PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]})); then
        vqc_log "installing ${missing[*]}"
        if [[ $(id -u) -ne 0 ]]; then echo "run as root to install: ${missing[*]}" >&2; exit 1; fi
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# Builds vqc in a source tree (default: this one) against the PostgreSQL in
# PGBIN and installs it there.
vqc_build_install() {
    local dir=${1:-$VQC_ROOT}
    vqc_log "building and installing vqc"
    make -C "$dir" -s -j2 PG_CONFIG="$PGBIN/pg_config" >/dev/null
    make -C "$dir" -s install PG_CONFIG="$PGBIN/pg_config" >/dev/null
}

# Picks a free TCP port on loopback.
vqc_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# A command as postgres, run from / : the clone may sit where postgres cannot
# enter (/root), and initdb and pg_ctl complain about such a working directory.
vqc_as_postgres() {
    (cd / && runuser -u postgres -- "$@")
}

# pg_ctl on the throwaway cluster as postgres.  The server must not inherit
# the caller's open files: a held install lock (fd 9, or flock(1)'s fd 3)
# would stay locked for as long as the server runs.
vqc_pg_ctl() {
    local action=$1; shift
    vqc_as_postgres "$PGBIN/pg_ctl" -D "$VQC_CLUSTER_DIR/data" -w "$action" "$@" 3>&- 9>&-
}

# Starts a throwaway cluster; sets PGHOST PGPORT PGUSER PGDATABASE VQC_CLUSTER_DIR.
# Arguments are passed on to pg_ctl start; VQC_PRELOAD overrides
# shared_preload_libraries (default pg_cron).
vqc_start_cluster() {
    VQC_CLUSTER_DIR="$(mktemp -d /tmp/vqc-cluster.XXXXXX)"
    chown postgres: "$VQC_CLUSTER_DIR"
    chmod 700 "$VQC_CLUSTER_DIR"
    PGPORT="$(vqc_free_port)"
    PGHOST="$VQC_CLUSTER_DIR"
    PGUSER=postgres
    PGDATABASE=postgres
    export PGPORT PGHOST PGUSER PGDATABASE VQC_CLUSTER_DIR
    vqc_log "starting a throwaway cluster in $VQC_CLUSTER_DIR on port $PGPORT"
    vqc_as_postgres "$PGBIN/initdb" -D "$VQC_CLUSTER_DIR/data" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$VQC_CLUSTER_DIR/data/postgresql.conf" <<CONF
listen_addresses = ''
port = $PGPORT
unix_socket_directories = '$VQC_CLUSTER_DIR'
shared_preload_libraries = '${VQC_PRELOAD-pg_cron}'
cron.database_name = 'vqc_tap'
max_worker_processes = 16
fsync = off
CONF
    vqc_pg_ctl start -l "$VQC_CLUSTER_DIR/server.log" "$@" >/dev/null
}

# Stops and removes the throwaway cluster; its server log is kept as
# VQC_KEEP_LOG when that is set.
vqc_stop_cluster() {
    if [[ -n "${VQC_CLUSTER_DIR:-}" && -d "$VQC_CLUSTER_DIR/data" ]]; then
        vqc_log "stopping the throwaway cluster"
        vqc_pg_ctl stop -m fast >/dev/null || true
        if [[ -n ${VQC_KEEP_LOG:-} ]]; then cp "$VQC_CLUSTER_DIR/server.log" "$VQC_KEEP_LOG" || true; fi
        rm -rf "$VQC_CLUSTER_DIR"
    fi
}

# Prints, for each process that a signal ended, the last attempt a fuzzer
# logged in it (fuzzlib.attempt's "vqc fuzz attempt" lines), or for a
# parallel worker the last one logged at all: the attempt that crashed the
# server.  vqc_fuzz_crashes [server log]
vqc_fuzz_crashes() {
    awk '/LOG:  vqc fuzz attempt: / { a = $0; sub(/.*vqc fuzz attempt: /, "", a); any = a
                                      if (match($0, /\[[0-9]+\]/)) last[substr($0, RSTART + 1, RLENGTH - 2)] = a }
         / \(PID [0-9]+\) was terminated by signal/ {
             match($0, /PID [0-9]+/); pid = substr($0, RSTART + 4, RLENGTH - 4)
             sub(/.*LOG:  /, ""); print "crash: " $0
             if (pid in last) print "  during: " last[pid]; else if (any != "") print "  during (last attempt logged): " any
         }' "${1:-$VQC_CLUSTER_DIR/server.log}"
}

# Waits (up to 60 s) until the server accepts connections again, as after
# a backend crash and the recovery that follows it.
vqc_wait_ready() {
    local i
    for ((i = 0; i < 60; i++)); do
        "$PGBIN/pg_isready" -q && return 0
        sleep 1
    done
    return 1
}

# The fuzzers (test/fuzz/<name>.sql) with the verdict each prints and its
# iterations in a short run (scripts/test.sh); test/fuzz/run.sh runs each
# for longer.
VQC_FUZZERS=(
    "state_fuzz|fuzz|5000"
    "kwargs_fuzz|kwargs fuzz|5000"
    "functions_fuzz|functions fuzz|5000"
    "limits_fuzz|limits fuzz|5000"
    "aggregates_fuzz|aggregates fuzz|2000"
    "determinism_fuzz|determinism fuzz|400"
    "row_condition_fuzz|row_condition fuzz|2000"
)

# Runs one fuzzer of the source tree dir in database vqc_fuzz and prints
# its summary; a crash or a run past the time limit (seconds, 0 for none)
# leaves its verdict out.
#   vqc_fuzz <name> <iterations> <seed> <time limit> <source tree>
vqc_fuzz() {
    local name=$1 iterations=$2 seed=$3 limit=$4 dir=$5
    vqc_wait_ready || { echo "$name: the server does not accept connections"; return 0; }
    (cd "$dir" && timeout "$limit" psql -q -X -d vqc_fuzz -v iterations="$iterations" -v seed="$seed" \
                      -f "test/fuzz/$name.sql" 2>&1 | grep -v 'NOTICE\|DETAIL\|^drop cascades') || true
}

# One round of every fuzzer in a fresh database vqc_fuzz: prints their
# summaries, fails unless every verdict is PASS, naming any attempt that
# crashed the server.  iterations: "short" for each fuzzer's short run, or
# N for a run N / 5000 times as long (N attempts of the fuzzers whose short
# run is 5000).
#   vqc_fuzz_round <iterations|short> [source tree] [seed, 0.42] [time limit per fuzzer, 0: none]
vqc_fuzz_round() {
    local iterations=$1 dir=${2:-$VQC_ROOT} seed=${3:-0.42} limit=${4:-0} entry name verdict n out ok=0
    psql -q -X -c 'DROP DATABASE IF EXISTS vqc_fuzz' -c 'CREATE DATABASE vqc_fuzz' >/dev/null 2>&1
    psql -q -X -d vqc_fuzz -c 'CREATE EXTENSION vqc' >/dev/null
    for entry in "${VQC_FUZZERS[@]}"; do
        IFS='|' read -r name verdict n <<<"$entry"
        [[ $iterations == short ]] || n=$(( (iterations * n + 4999) / 5000 ))
        vqc_log "fuzzing: $name, $n attempts, seed $seed"
        out=$(vqc_fuzz "$name" "$n" "$seed" "$limit" "$dir")
        echo "$out"
        grep -q "^ $verdict: PASS" <<<"$out" || { echo "$name: FAIL"; ok=1; }
    done
    if ((ok)); then vqc_fuzz_crashes; fi
    return $ok
}
