#!/usr/bin/env bash
# Shared steps of the benchmark commands (sourced after scripts/lib.sh).

# bench_start: holds the install lock for the whole run, installs, builds and
# starts a throwaway cluster that is stopped on exit.
bench_start() {
    exec 9>/tmp/vqc-install.lock
    flock 9
    vqc_install_packages
    vqc_build_install
    vqc_start_cluster
    trap vqc_stop_cluster EXIT
}

# bench_settings tuned|stock: the server's settings for the next benchmarks
# (tuned: shared_buffers 2GB, work_mem 256MB; stock: PostgreSQL's defaults).
bench_settings() {
    if [[ $1 == tuned ]]; then
        psql -q -X -d postgres -c "ALTER SYSTEM SET shared_buffers = '2GB'" -c "ALTER SYSTEM SET work_mem = '256MB'" \
            -c 'ALTER SYSTEM SET max_parallel_workers_per_gather = 2' >/dev/null
    else
        psql -q -X -d postgres -c 'ALTER SYSTEM RESET shared_buffers' -c 'ALTER SYSTEM RESET work_mem' \
            -c 'ALTER SYSTEM RESET max_parallel_workers_per_gather' >/dev/null
    fi
    vqc_pg_ctl restart >/dev/null
}

# bench_people <rows> <CREATE EXTENSION options>: database vqc_bench (made
# the default for psql) with vqc and the people table of that many rows.
bench_people() {
    psql -q -X -c 'CREATE DATABASE vqc_bench' >/dev/null
    export PGDATABASE=vqc_bench
    psql -q -X -c "CREATE EXTENSION vqc $2" >/dev/null
    vqc_log "building people with $1 rows"
    psql -q -X -v ON_ERROR_STOP=1 -v rows="$1" -f test/fixtures/people.sql >/dev/null
    psql -q -X -c 'VACUUM ANALYZE people' >/dev/null
}
