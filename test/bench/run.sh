#!/usr/bin/env bash
# Benchmarks (not part of the tests): builds a seeded sample table and prints
# times and ratios measured side by side in one run.
#   test/bench/run.sh [--rows N] [--only NAME]   default 10000000 rows, every *_bench.sql
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$VQC_ROOT"
rows=10000000
only='*'
while (($#)); do
    case $1 in
        --rows) rows=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        *) echo "usage: $0 [--rows N] [--only suite|profile|drift|groups]" >&2; exit 2 ;;
    esac
done

exec 9>/tmp/vqc-install.lock
flock 9
vqc_install_packages
vqc_build_install
vqc_start_cluster
trap vqc_stop_cluster EXIT
cat >> "$VQC_CLUSTER_DIR/data/postgresql.conf" <<CONF
shared_buffers = 2GB
work_mem = 256MB
max_parallel_workers_per_gather = 2
CONF
vqc_pg_ctl restart >/dev/null

psql -q -X -c 'CREATE DATABASE vqc_bench' >/dev/null
export PGDATABASE=vqc_bench
psql -q -X -c 'CREATE EXTENSION vqc' >/dev/null
# groups_bench.sql builds its own table
if [[ $only != groups ]]; then
    vqc_log "building people with $rows rows"
    psql -q -X -v ON_ERROR_STOP=1 -v rows="$rows" -f test/fixtures/people.sql >/dev/null
    psql -q -X -c 'VACUUM ANALYZE people' >/dev/null
fi
for b in test/bench/${only}_bench.sql; do
    vqc_log "$b"
    psql -X -q -f "$b"
done
