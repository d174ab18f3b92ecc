#!/usr/bin/env bash
# What the privilege model of 0.2.0 costs vqc.run: the benchmark's sample
# suite on the people table, timed under 0.1.0's SQL, then, after ALTER
# EXTENSION vqc UPDATE in the same database and server, under 0.2.0's (the
# same vqc.so serves both, so only the SQL layer differs: the relay, the
# split report tables, row-level security, pinned search_path).
#   test/bench/privileges_bench.sh [--rows N] [--reps N]   default 10000000 rows, 5 reps
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$VQC_ROOT"
rows=10000000
reps=5
while (($#)); do
    case $1 in
        --rows) rows=$2; shift 2 ;;
        --reps) reps=$2; shift 2 ;;
        *) echo "usage: $0 [--rows N] [--reps N]" >&2; exit 2 ;;
    esac
done

bench_start
bench_settings tuned
bench_people "$rows" "VERSION '0.1.0'"
# the benchmark's suite, made with 0.1.0's API
sed -n '/^SELECT vqc.create_suite/,/^SELECT vqc.add_expectation.*stdev/p' test/bench/suite_bench.sql \
    | psql -q -X -v ON_ERROR_STOP=1 >/dev/null

# median of reps runs, in ms
time_run() {
    psql -X -At -v ON_ERROR_STOP=1 <<SQL
SELECT count(*) FROM people;
CREATE TEMP TABLE t (ms float8);
DO \$\$
DECLARE t0 timestamptz;
BEGIN
    FOR i IN 1 .. $reps LOOP
        t0 := clock_timestamp();
        PERFORM count(*) FROM vqc.run('people_bench');
        INSERT INTO t VALUES (extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
END
\$\$;
SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 0) FROM t;
SQL
}
before=$(time_run | tail -1)
psql -q -X -c 'ALTER EXTENSION vqc UPDATE' >/dev/null
after=$(time_run | tail -1)
printf '| vqc.run, sample suite, %s rows | 0.1.0 SQL: %s ms | 0.2.0 SQL: %s ms | ratio %s |\n' \
    "$rows" "$before" "$after" "$(python3 -c "print(f'{$after / $before:.3f}')")"
