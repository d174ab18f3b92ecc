#!/usr/bin/env bash
# The upgrade path and dumps, against the running throwaway cluster of
# scripts/test.sh (PGHOST, PGPORT; the current vqc installed):
#  1. for each released version (0.1.0, 0.2.0, 0.3.0, 0.4.0, 0.5.0; their frozen install scripts):
#     suites, runs, results, baselines, drift reports and profiles stored by
#     0.1.0's C code (before.sql); ALTER EXTENSION vqc UPDATE, through every
#     upgrade script to the current version; the old data still works
#     (after.sql);
#  2. pg_dump -Fc of that database restored into a new one: the same data,
#     profiles read the same, sequences continue;
#  3. the README's way to keep the history across DROP EXTENSION works;
#  4. each upgraded catalog equals a fresh install's (catalog.sql, then a
#     schema-only pg_dump of each), and the comparison does report each
#     deliberate difference of tweak.sql;
#  5. a view over an aggregate that 0.6.0 recreates stops the update from
#     0.5.0 with 2BP01 naming it, before anything changes.
# Prints ok / not ok per check; exits non-zero when one fails.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
work=$(mktemp -d /tmp/vqc-upgrade.XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0
# the released versions, oldest first: each is installed and upgraded
released=(0.1.0 0.2.0 0.3.0 0.4.0 0.5.0)
dbs=(vqc_upgrade vqc_upgrade_0_2_0 vqc_upgrade_0_3_0 vqc_upgrade_0_4_0 vqc_upgrade_0_5_0 vqc_fresh vqc_tweak vqc_restore)

# check <description> <command...>: runs it, prints ok or not ok (and its output)
check() {
    local what=$1 out; shift
    if out=$("$@" 2>&1); then
        echo "ok - $what"
    else
        echo "not ok - $what"; echo "$out" | head -c 4000 | sed 's/^/    /'
        failed=$((failed + 1))
    fi
}
q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }
# psql_to <file> <psql args...>: q with all output to the file, shown on failure
psql_to() { local f=$1; shift; q "$@" > "$f" 2>&1 || { cat "$f"; return 1; }; }

# catalog_of <db> <file>: the db's vqc catalog as text (detaches its members)
catalog_of() {
    q -d "$1" -f "$here/catalog.sql" > "$2" &&
    # The one normalization: pg_dump (15.14 on) brackets its script with
    # \restrict and \unrestrict and a random key, different in every dump.
    # Otherwise the dump has no OIDs, sequence positions or data
    # (schema-only), and pg_dump sorts objects by kind and name, so install
    # order does not show.  The test's own schema is left out.
    "$PGBIN/pg_dump" --schema-only --exclude-schema=upgrade_data -d "$1" \
        | grep -v '^\\\(un\)\?restrict ' >> "$2"
}
# same_catalog <file a> <file b>: empty diff, and a dump that holds vqc
same_catalog() {
    grep -q '^CREATE FUNCTION vqc.run(' "$1" && grep -q '^members left|0$' "$1" && diff -u "$1" "$2"
}
# reports_tweaks <diff file>: each "-- expect:" of tweak.sql on a changed line
reports_tweaks() {
    local want missing=0
    while IFS= read -r want; do
        if ! grep -E '^[-+]' "$1" | grep -vE '^(---|\+\+\+) ' | grep -qF -- "$want"; then
            echo "the diff does not report: $want"; missing=1
        fi
    done < <(sed -n 's/^-- expect: //p' "$here/tweak.sql")
    return $missing
}
# new_run_continues <db>: a new run of the old suite gets the next run id
new_run_continues() {
    local last new
    last=$(q -d "$1" -c 'SELECT max(run_id) FROM vqc_report.run') &&
    new=$(q -d "$1" -c "SELECT DISTINCT run_id FROM vqc.run('people_daily')") &&
    ((new > last)) || { echo "last run id $last, new run id $new"; return 1; }
}

for db in "${dbs[@]}"; do
    q -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done

# upgrade_db <version>: the database that starts at that release
# (vqc_upgrade for the oldest, which parts 2 and 3 then use)
upgrade_db() { [[ $1 == "${released[0]}" ]] && echo vqc_upgrade || echo "vqc_upgrade_${1//./_}"; }

# 1. each release, its data, the upgrade
for v in "${released[@]}"; do
    db=$(upgrade_db "$v")
    check "CREATE EXTENSION vqc VERSION '$v' (the frozen install script)" \
        q -d "$db" -c "CREATE EXTENSION vqc VERSION '$v'" -c 'CREATE SCHEMA upgrade_data' \
          -f "$here/summary.sql"
    check "$v data: suite, runs, baselines, drift report, profiles stored by 0.1.0's C code" \
        env PGOPTIONS='-c search_path=upgrade_data' psql -X -q -v ON_ERROR_STOP=1 -d "$db" \
            -v rows=12000 -f "$here/../fixtures/people.sql" -f "$here/before.sql"
    check "ALTER EXTENSION vqc UPDATE from $v" q -d "$db" -c 'ALTER EXTENSION vqc UPDATE'
    check "after the upgrade from $v: the suite runs as before, old profiles read, drift reports run" \
        psql_to "$work/after.out" -d "$db" -f "$here/after.sql"
    sed -n 's/^psql.*NOTICE: */    /p' "$work/after.out"
done

# 2. pg_dump -Fc and pg_restore
check "pg_dump -Fc of the upgraded database" "$PGBIN/pg_dump" -Fc -d vqc_upgrade -f "$work/vqc.dump"
check "pg_restore into a new database" "$PGBIN/pg_restore" --exit-on-error -d vqc_restore "$work/vqc.dump"
q -d vqc_upgrade -f "$here/counts.sql" > "$work/counts_upgrade" 2>&1
check "restored: the same rows, sequence positions and profile readings" \
    diff -u "$work/counts_upgrade" <(q -d vqc_restore -f "$here/counts.sql" 2>&1)
check "restored: the suite runs and the new run gets the next id" new_run_continues vqc_restore

# 3. the README's line to keep the history, across DROP EXTENSION
q -d vqc_restore -f "$here/counts.sql" > "$work/counts_kept" 2>&1
check "keeping the history: pg_dump --data-only --table='vqc.*' --table='vqc_report.*'" \
    "$PGBIN/pg_dump" --data-only --table='vqc.*' --table='vqc_report.*' -d vqc_restore -f "$work/history.sql"
# (schema vqc stays, empty: CREATE EXTENSION made it from vqc.control, so it is no member)
check "DROP EXTENSION vqc removes the history" \
    q -d vqc_restore -c 'DROP EXTENSION vqc CASCADE' \
      -c "DO \$\$ BEGIN IF to_regnamespace('vqc_report') IS NOT NULL
                      OR EXISTS (SELECT FROM pg_class WHERE relnamespace = to_regnamespace('vqc'))
          THEN RAISE EXCEPTION 'vqc tables are left'; END IF; END \$\$"
check "CREATE EXTENSION vqc, then psql -f the kept history" \
    q -d vqc_restore -c 'CREATE EXTENSION vqc' -f "$here/summary.sql" -f "$work/history.sql"
check "the history is back: the same rows, sequence positions and profile readings" \
    diff -u "$work/counts_kept" <(q -d vqc_restore -f "$here/counts.sql" 2>&1)
check "the suite runs again and the new run gets the next id" new_run_continues vqc_restore

# 4. the upgraded catalog against a fresh install's, and the negative check
check "CREATE EXTENSION vqc (fresh), and a copy of that database" \
    q -d vqc_fresh -c 'CREATE EXTENSION vqc' \
      -c '\c postgres' -c 'DROP DATABASE vqc_tweak' -c 'CREATE DATABASE vqc_tweak TEMPLATE vqc_fresh'
catalog_of vqc_fresh "$work/fresh.txt"
for v in "${released[@]}"; do
    catalog_of "$(upgrade_db "$v")" "$work/upgrade-$v.txt"
    check "the catalog upgraded from $v equals a fresh install's (catalog.sql + pg_dump --schema-only)" \
        same_catalog "$work/fresh.txt" "$work/upgrade-$v.txt"
done
check "tweak.sql applies to a copy of a fresh install" q -d vqc_tweak -f "$here/tweak.sql"
catalog_of vqc_tweak "$work/tweak.txt"
diff -u "$work/fresh.txt" "$work/tweak.txt" > "$work/tweak.diff"
check "the comparison reports each difference of tweak.sql" reports_tweaks "$work/tweak.diff"

# 5. a view of the user's over an aggregate that 0.6.0 recreates (its state
#    type changed): the update stops with 2BP01, naming it, before anything
#    changes; without the view it goes through, and the view can be made again
dep=vqc_upgrade_dependent
q -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $dep" -c "CREATE DATABASE $dep"
view_sql="CREATE VIEW ndcg_view AS SELECT vqc.ndcg_at_k_all(q, r, s, 2) AS ndcg
            FROM (VALUES (1, 1.0::float8, 0.9::float8), (1, 0.0, 0.1), (2, 0.0, 0.8), (2, 1.0, 0.2)) t(q, r, s)"
check "0.5.0 with a view over vqc.ndcg_at_k_all" q -d $dep -c "CREATE EXTENSION vqc VERSION '0.5.0'" -c "$view_sql"
refused() {
    local out
    out=$(psql -X -q -v VERBOSITY=verbose -d $dep -c 'ALTER EXTENSION vqc UPDATE' 2>&1) && { echo "the update went through"; return 1; }
    grep -q 'ERROR:  2BP01: vqc 0.6.0 recreates aggregates' <<<"$out" && grep -q 'used by: view public.ndcg_view\.' <<<"$out" \
        && [[ $(q -d $dep -c "SELECT extversion FROM pg_extension WHERE extname = 'vqc'") == 0.5.0 ]] || { echo "$out"; return 1; }
}
check "ALTER EXTENSION vqc UPDATE refuses (2BP01), names the view, leaves 0.5.0" refused
remade() {
    local v w
    v=$(q -d $dep -c 'SELECT ndcg FROM ndcg_view') &&
    q -d $dep -c 'DROP VIEW ndcg_view' -c 'ALTER EXTENSION vqc UPDATE' -c "$view_sql" &&
    w=$(q -d $dep -c 'SELECT ndcg FROM ndcg_view') &&
    [[ -n $v && $v == "$w" ]] || { echo "before: $v, after: $w"; return 1; }
}
check "without the view the update goes through, and the view is made again with the same value" remade
q -c "DROP DATABASE IF EXISTS $dep"

for db in "${dbs[@]}"; do q -c "DROP DATABASE IF EXISTS $db"; done
echo "upgrade: $failed failed"
exit $((failed > 0))
