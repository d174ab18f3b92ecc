#!/usr/bin/env bash
# The demo: installs what is missing, builds and installs vqc, starts a
# throwaway cluster, loads the sample table (100 000 rows with planted
# defects), defines the sample suite, runs it, prints the report and writes
# the run's HTML page to vqc-demo-report.html in the clone.
#
#   scripts/demo.sh [--rows N] [--keep]
#     --rows N   sample size (default 100000)
#     --keep     leave the cluster running and print how to connect
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$VQC_ROOT"

rows=100000
keep=0
while (($#)); do
    case $1 in
        --rows) rows=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "usage: $0 [--rows N] [--keep]" >&2; exit 2 ;;
    esac
done

exec 9>/tmp/vqc-install.lock
flock 9
vqc_install_packages
vqc_build_install
vqc_start_cluster
if ((keep)); then
    trap 'vqc_log "cluster left running"' EXIT
else
    trap vqc_stop_cluster EXIT
fi

psql -q -X -c 'CREATE DATABASE vqc_demo' >/dev/null
export PGDATABASE=vqc_demo
psql -q -X -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION vqc' >/dev/null

vqc_log "loading the sample table people ($rows rows, planted defects)"
psql -q -X -v ON_ERROR_STOP=1 -v rows="$rows" -f test/fixtures/people.sql >/dev/null
vqc_log "defining the suite people_daily"
psql -q -X -v ON_ERROR_STOP=1 -f test/fixtures/people_suite.sql >/dev/null
vqc_log "running the suite: SELECT * FROM vqc.run('people_daily')"
psql -X -v ON_ERROR_STOP=1 -f scripts/demo_report.sql

# the run's page, beside the clone (open it in any browser: no network needed)
page="$VQC_ROOT/vqc-demo-report.html"
psql -X -q -At -v ON_ERROR_STOP=1 -o "$page" \
     -c "SELECT vqc.report_html(max(run_id)) FROM vqc_report.run WHERE suite_name = 'people_daily'"
vqc_log "the run's page: $page ($(stat -c %s "$page") bytes; SELECT vqc.report_html(run_id) makes it)"

if ((keep)); then
    cat <<MSG

The cluster is still running. Connect with:
    psql -h $PGHOST -p $PGPORT -U postgres vqc_demo
Stop it with:
    (cd / && runuser -u postgres -- $PGBIN/pg_ctl -D $VQC_CLUSTER_DIR/data stop)
MSG
fi
