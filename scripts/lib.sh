#!/usr/bin/env bash
# Shared steps for the demo, the tests and the benchmarks: install what is
# missing, build and install vqc, and run a throwaway PostgreSQL cluster as the
# `postgres` user on its own port and socket directory.
set -euo pipefail

VQC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGBIN=/usr/lib/postgresql/15/bin
export PGBIN

# Debian packages the project needs; installed only when missing.
VQC_PACKAGES=(postgresql-15 postgresql-server-dev-15 libpcre2-dev pkg-config make gcc
              postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl postgresql-15-cron
              python3 python3-numpy python3-scipy postgresql-15-tdigest postgresql-15-hll)

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

# pg_ctl on the throwaway cluster as postgres.  The server must not inherit
# the caller's open files: a held install lock (fd 9, or flock(1)'s fd 3)
# would stay locked for as long as the server runs.
vqc_pg_ctl() {
    local action=$1; shift
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$VQC_CLUSTER_DIR/data" -w "$action" "$@" 3>&- 9>&-
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
    runuser -u postgres -- "$PGBIN/initdb" -D "$VQC_CLUSTER_DIR/data" --auth=trust \
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

# One round of the three fuzzers (test/fuzz) in a fresh database vqc_fuzz:
# prints their summaries, fails unless all three passed.
#   vqc_fuzz_round <iterations> [source tree, default this one]
vqc_fuzz_round() {
    local iterations=$1 dir=${2:-$VQC_ROOT} out="" fuzzer
    psql -q -X -c 'DROP DATABASE IF EXISTS vqc_fuzz' -c 'CREATE DATABASE vqc_fuzz' >/dev/null 2>&1
    psql -q -X -d vqc_fuzz -c 'CREATE EXTENSION vqc' >/dev/null
    for fuzzer in state kwargs functions; do
        out+=$(cd "$dir" && psql -q -X -d vqc_fuzz -v iterations="$iterations" -v seed=0.42 \
                   -f "test/fuzz/${fuzzer}_fuzz.sql" 2>&1 | grep -v 'NOTICE\|DETAIL\|^drop cascades' || true)
        out+=$'\n'
    done
    echo "$out"
    grep -q '^ fuzz: PASS' <<<"$out" && grep -q '^ kwargs fuzz: PASS' <<<"$out" \
        && grep -q '^ functions fuzz: PASS' <<<"$out"
}
