#!/usr/bin/env bash
# vqc on a Citus cluster: every feature against a distributed table and a
# plain copy of it, compared.  Not part of scripts/test.sh (CI cannot fetch
# Citus).
#
#   test/citus/run.sh [CITUS_SOURCE_DIR]
#
# With a Citus source tree (v13.2.x, e.g. the `fetch` tool's
# github:citusdata/citus at tag v13.2.2 checked out into a directory) it is
# copied, patched for PostgreSQL 15.20, built and installed first; without
# one, the installed Citus is used.  Then vqc is built and installed, a
# coordinator and two workers start on free ports in a temporary directory,
# the fixture table is loaded (distributed in 32 shards, a plain copy beside
# it, and a partitioned distributed copy), test/citus/*.sql run on the
# coordinator, and a table (feature | pushed down | same answer) is printed.
# Exits non-zero on any difference, and on any feature not pushed down
# without a checked reason ("instead": increasing / decreasing gather their
# two columns in a pass of their own, see README "Citus").  VQC_CITUS_ROWS sets the fixture's rows
# (default 100000); VQC_CITUS_KEEP=1 leaves the cluster running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$VQC_ROOT"

CITUS_DIR=$(mktemp -d /tmp/vqc-citus.XXXXXX)
chown postgres: "$CITUS_DIR"
chmod 700 "$CITUS_DIR"
NODES=(coordinator worker1 worker2)
declare -A NODE_PORT

citus_stop_all() {
    local n
    for n in "${NODES[@]}"; do
        if [[ -f $CITUS_DIR/$n/postmaster.pid ]]; then
            vqc_as_postgres "$PGBIN/pg_ctl" -D "$CITUS_DIR/$n" -w stop -m fast >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$CITUS_DIR"
}
if [[ -z ${VQC_CITUS_KEEP:-} ]]; then trap citus_stop_all EXIT; fi

# Builds and installs Citus from a source tree, in a copy whose compat header
# loses its own have_createdb_privilege (PostgreSQL 15.20 declares it).
citus_build_install() {
    local src=$1 build=$CITUS_DIR/citus-build
    vqc_log "building Citus from $src (in $build)"
    cp -a "$src" "$build"
    python3 - "$build/src/include/pg_version_compat.h" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
new = re.sub(r'static inline bool\s+have_createdb_privilege\(void\)\s*\{.*?\n\}\n',
             '/* removed for the vqc build: PostgreSQL 15.20 declares have_createdb_privilege */\n',
             text, count=1, flags=re.S)
open(path, 'w').write(new)
PY
    if [[ ! -f $build/config.status ]]; then
        (cd "$build" && ./configure --without-libcurl PG_CONFIG="$PGBIN/pg_config" >/dev/null)
    fi
    make -C "$build" -s -j2 >/dev/null
    (flock 9 && make -C "$build" -s install >/dev/null) 9>/tmp/vqc-install.lock
}

# Starts one node (as postgres, TCP on loopback: the coordinator reaches the
# workers by host and port) with Citus preloaded.
citus_start_node() {
    local name=$1 port
    port=$(vqc_free_port)
    NODE_PORT[$name]=$port
    vqc_as_postgres "$PGBIN/initdb" -D "$CITUS_DIR/$name" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$CITUS_DIR/$name/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$CITUS_DIR'
shared_preload_libraries = 'citus'
max_prepared_transactions = 50
max_connections = 100
fsync = off
shared_buffers = 64MB
CONF
    vqc_as_postgres "$PGBIN/pg_ctl" -D "$CITUS_DIR/$name" -w start -l "$CITUS_DIR/$name.log" >/dev/null 3>&- 9>&-
    psql -q -X -h "$CITUS_DIR" -p "$port" -U postgres -d postgres -c 'CREATE EXTENSION citus' >/dev/null
}

if (($# > 0)); then
    citus_build_install "$1"
elif [[ ! -f $("$PGBIN/pg_config" --pkglibdir)/citus.so ]]; then
    echo "Citus is not installed: give its source directory (github:citusdata/citus, v13.2.x)" >&2
    exit 2
fi
# The extension's files are shared by every cluster on this machine: hold
# the install lock from vqc's install until the run ends, so that no other
# install replaces them under the workers (as scripts/test.sh does).
exec 9>/tmp/vqc-install.lock
flock 9
vqc_build_install

for n in "${NODES[@]}"; do
    vqc_log "starting the Citus $n"
    citus_start_node "$n"
done
export PGHOST=$CITUS_DIR PGPORT=${NODE_PORT[coordinator]} PGUSER=postgres PGDATABASE=postgres
psql -q -X -v ON_ERROR_STOP=1 \
     -c "SELECT citus_set_coordinator_host('127.0.0.1', ${NODE_PORT[coordinator]})" \
     -c "SELECT citus_add_node('127.0.0.1', ${NODE_PORT[worker1]})" \
     -c "SELECT citus_add_node('127.0.0.1', ${NODE_PORT[worker2]})" \
     -c 'CREATE EXTENSION vqc' >/dev/null

vqc_log "loading the fixture (${VQC_CITUS_ROWS:-100000} rows): people distributed, people_plain, people_part"
psql -q -X -v ON_ERROR_STOP=1 -v rows="${VQC_CITUS_ROWS:-100000}" -f test/fixtures/people.sql >/dev/null
psql -q -X -v ON_ERROR_STOP=1 -f test/citus/setup.sql -f test/citus/lib.sql >/dev/null

status=0
for f in test/citus/[0-9]*.sql; do
    vqc_log "running $f"
    if ! psql -q -X -v ON_ERROR_STOP=1 -f "$f" >/dev/null; then
        echo "$f: FAILED" >&2
        status=1
    fi
done

psql -X -v ON_ERROR_STOP=1 -f test/citus/report.sql || status=1
if [[ $(psql -X -At -c 'SELECT count(*) FROM citus_result WHERE NOT same_answer OR (NOT pushed_down AND instead IS NULL)') != 0 ]]; then
    status=1
fi
if [[ -n ${VQC_CITUS_KEEP:-} ]]; then
    echo "cluster kept: PGHOST=$PGHOST PGPORT=$PGPORT (stop: pg_ctl -D $CITUS_DIR/<node> stop)"
fi
exit $status
