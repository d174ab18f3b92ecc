#!/usr/bin/env bash
# Writes test/upgrade/fixture-0.1.0.sql: baseline profiles as release 0.1.0's C
# code stores them (the on-disk bytes and the text form) with what 0.1.0's
# accessors read from each, for run.sh to read back with the current code.
# Run once per release, from any checkout:
#   test/upgrade/make_fixture.sh [git ref of the release, default 9a9a86f = 0.1.0]
# It builds and installs that release's code (under the install lock; the next
# scripts/test.sh installs the current code again).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
ref=${1:-9a9a86f}
out="$VQC_ROOT/test/upgrade/fixture-0.1.0.sql"
src=$(mktemp -d /tmp/vqc-release.XXXXXX)
trap 'vqc_stop_cluster; rm -rf "$src"' EXIT

git -C "$VQC_ROOT" archive "$ref" | tar -x -C "$src"
exec 9>/tmp/vqc-install.lock
flock 9
vqc_log "building and installing vqc at $ref"
make -C "$src" -s -j2 PG_CONFIG="$PGBIN/pg_config" >/dev/null
make -C "$src" -s install PG_CONFIG="$PGBIN/pg_config" >/dev/null
vqc_start_cluster

psql -q -X -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION vqc' -c 'CREATE SCHEMA upgrade_data' >/dev/null
PGOPTIONS='-c search_path=upgrade_data' psql -q -X -v ON_ERROR_STOP=1 -v rows=12000 \
    -f "$VQC_ROOT/test/fixtures/people.sql" >/dev/null
psql -q -X -v ON_ERROR_STOP=1 -f "$VQC_ROOT/test/upgrade/summary.sql" >/dev/null
# people's profiles are sketches (12 000 rows); small's are exact
psql -q -X -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE TABLE upgrade_data.small AS SELECT * FROM upgrade_data.people WHERE record_id <= 500;
SELECT vqc.set_baseline('upgrade_data.people', 'fixture', '{income,gender}');
SELECT vqc.set_baseline('upgrade_data.small', 'fixture', '{age,transaction_amount,date_of_birth,email}');
SQL
{
    echo "-- Baseline profiles stored by vqc's C code at $(git -C "$VQC_ROOT" rev-parse --short "$ref"), written by"
    echo "-- test/upgrade/make_fixture.sh: table, column, type, the stored bytes, the text form,"
    echo "-- and what that version's accessors read (upgrade_data.profile_summary)."
    echo 'COPY upgrade_data.old_baseline (target_table, column_name, column_type, stored_bytes, text_form, summary) FROM stdin;'
    psql -q -X -v ON_ERROR_STOP=1 -c "COPY (SELECT target_table, column_name, column_type, upgrade_data.stored_bytes(profile), profile::text,
                                             upgrade_data.profile_summary(profile)
                                        FROM vqc.baseline ORDER BY target_table, column_name) TO STDOUT"
    echo '\.'
} > "$out"
vqc_log "wrote $out ($(wc -c < "$out") bytes)"
