#!/usr/bin/env bash
# Runs every test: installs what is missing, builds vqc with -Werror, starts a
# throwaway cluster, then runs pg_regress (make installcheck, which includes the
# isolation specs), the pgTAP suite with pg_prove, the upgrade from each release and
# pg_dump / restore (test/upgrade/run.sh), the HTML pages in headless
# Chromium (test/browser/run.sh), short fuzzing runs (state types,
# expectation arguments, input functions, state formats at their limits,
# aggregates of the user's over vqc's transition functions, byte determinism
# of stored states), and the scipy oracles.  Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$VQC_ROOT"

# One build-install-test cycle at a time on this machine: the extension is
# installed into the system directories that every cluster reads.
exec 9>/tmp/vqc-install.lock
flock 9

vqc_install_packages
vqc_build_install
vqc_start_cluster
trap vqc_stop_cluster EXIT

status=0
passed=0
failed=0
# counts a stage's outcome: stage_result <exit status>
stage_result() { if (($1)); then failed=$((failed + 1)); status=1; else passed=$((passed + 1)); fi; }

vqc_log "pg_regress and isolation tests (make installcheck)"
if make -s installcheck PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config; then
    stage_result 0
else
    stage_result 1
    for f in regression.diffs output_iso/regression.diffs; do
        if [[ -f $f ]]; then echo "---- $f"; head -c 20000 "$f"; fi
    done
fi

vqc_log "pgTAP tests (pg_prove)"
psql -q -X -c 'DROP DATABASE IF EXISTS vqc_tap' -c 'CREATE DATABASE vqc_tap' >/dev/null
psql -q -X -d vqc_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION vqc' >/dev/null
if compgen -G 'test/pgtap/*.sql' >/dev/null; then
    if pg_prove -d vqc_tap --ext .sql -r test/pgtap; then stage_result 0; else stage_result 1; fi
fi

vqc_log "upgrade from 0.1.0, 0.2.0, 0.3.0, 0.4.0 and 0.5.0, catalog against a fresh install, pg_dump and restore (test/upgrade/run.sh)"
if test/upgrade/run.sh; then stage_result 0; else stage_result 1; fi

vqc_log "pages in headless Chromium (test/browser/run.sh; artifacts in test/browser/artifacts)"
if test/browser/run.sh; then stage_result 0; else stage_result 1; fi

vqc_log "fuzzing, short runs (test/fuzz/run.sh runs long ones)"
if vqc_fuzz_round short "$VQC_ROOT" 0.42 600; then stage_result 0; else stage_result 1; fi

if [[ -d test/oracle ]]; then
    vqc_log "statistics against the scipy oracle"
    for t in test/oracle/*.py; do
        [[ -e $t ]] || continue
        # Debian's interpreter: it has numpy and scipy (another python3 may come first on PATH)
        if /usr/bin/python3 "$t"; then stage_result 0; else stage_result 1; fi
    done
fi

vqc_stop_cluster
trap - EXIT
if ((status)); then vqc_log "FAILED"; else vqc_log "all tests passed"; fi
# stages: pg_regress + isolation, pgTAP, upgrade, browser, fuzzing, each oracle script
echo "stages: $passed passed, $failed failed"
exit $status
