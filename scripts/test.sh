#!/usr/bin/env bash
# Runs every test: installs what is missing, builds vqc with -Werror, starts a
# throwaway cluster, then runs pg_regress (make installcheck, which includes the
# isolation specs) and the pgTAP suite with pg_prove.  Exits non-zero on any failure.
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

vqc_log "pg_regress and isolation tests (make installcheck)"
if ! make -s installcheck PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config; then
    status=1
    for f in regression.diffs output_iso/regression.diffs; do
        [[ -f $f ]] && { echo "---- $f"; head -c 20000 "$f"; }
    done
fi

vqc_log "pgTAP tests (pg_prove)"
psql -q -X -c 'DROP DATABASE IF EXISTS vqc_tap' -c 'CREATE DATABASE vqc_tap' >/dev/null
psql -q -X -d vqc_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION vqc' >/dev/null
if compgen -G 'test/pgtap/*.sql' >/dev/null && ! pg_prove -d vqc_tap --ext .sql -r test/pgtap; then
    status=1
fi

if [[ -d test/oracle ]]; then
    vqc_log "statistics against the scipy oracle"
    for t in test/oracle/*.py; do
        [[ -e $t ]] || continue
        # the Debian interpreter, for which VQC_PACKAGES installs numpy and scipy
        "$(command -v /usr/bin/python3 || command -v python3)" "$t" || status=1
    done
fi

if ((status)); then vqc_log "FAILED"; else vqc_log "all tests passed"; fi
exit $status
