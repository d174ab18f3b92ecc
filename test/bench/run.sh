#!/usr/bin/env bash
# Benchmarks (not part of the tests): builds a seeded sample table and prints
# times and ratios measured side by side in one run.
#   test/bench/run.sh [--rows N] [--only NAME] [--settings tuned|stock|both]
# default 10000000 rows, every *_bench.sql, tuned settings.  stock is
# PostgreSQL's defaults (work_mem 4MB, shared_buffers 128MB, 2 parallel
# workers per gather); both runs every benchmark under each, one after the other.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$VQC_ROOT"
rows=10000000
only='*'
settings=tuned
while (($#)); do
    case $1 in
        --rows) rows=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --settings) settings=$2; shift 2 ;;
        *) echo "usage: $0 [--rows N] [--only suite|profile|drift|groups|html|ge_types|ranking|state_box|incremental] [--settings tuned|stock|both]" >&2; exit 2 ;;
    esac
done

case $settings in
    tuned) runs=(tuned) ;;
    stock) runs=(stock) ;;
    both) runs=(tuned stock) ;;
    *) echo "--settings takes tuned, stock or both" >&2; exit 2 ;;
esac

bench_start
if [[ $only == groups || $only == html || $only == ranking || $only == state_box ]]; then
    # groups_bench.sql, html_bench.sql, ranking_bench.sql and state_box_bench.sql build their own tables
    psql -q -X -c 'CREATE DATABASE vqc_bench' >/dev/null
    export PGDATABASE=vqc_bench
    psql -q -X -c 'CREATE EXTENSION vqc' >/dev/null
else
    bench_people "$rows" ''
fi
for r in "${runs[@]}"; do
    bench_settings "$r"
    vqc_log "settings: $r (work_mem $(psql -X -At -c 'SHOW work_mem'), shared_buffers $(psql -X -At -c 'SHOW shared_buffers'))"
    for b in test/bench/${only}_bench.sql; do
        vqc_log "$b ($r settings)"
        psql -X -q -v rows="$rows" -f "$b"
    done
done
