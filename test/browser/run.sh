#!/usr/bin/env bash
# Renders vqc's pages in headless Chromium against the running throwaway
# cluster of scripts/test.sh (PGHOST, PGPORT; vqc installed): the demo's
# suite run four times (report, suite and drift pages) and a suite of
# hostile values.  Checks (pages.js) that each page loads without a console
# error or a network request, that its charts draw the bars and points they
# declare, and the counts below; keeps the pages and full-page screenshots
# in test/browser/artifacts.  Installs Chromium (Debian) and puppeteer-core
# (npm, test/browser/node_modules) when missing; skips, saying so, only
# when Chromium cannot be installed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/artifacts"
db=vqc_browser
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}

if [[ -z $CHROMIUM ]]; then
    echo "browser: installing chromium (Debian)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >/dev/null 2>&1; then
        echo "browser: SKIPPED - Chromium is not installed and cannot be installed here (apt-get install chromium failed)"
        exit 0
    fi
    CHROMIUM=$(command -v chromium)
fi
export CHROMIUM
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm >/dev/null 2>&1 ||
        { echo "browser: nodejs and npm are needed (apt-get install nodejs npm failed)"; exit 1; }
fi
if [[ ! -f $here/node_modules/puppeteer-core/package.json ]] ||
   ! grep -q '"version": "22.15.0"' "$here/node_modules/puppeteer-core/package.json"; then
    (cd "$here" && npm install --no-audit --no-fund --no-package-lock --loglevel=error >/dev/null) ||
        { echo "browser: npm install puppeteer-core failed"; exit 1; }
fi

rm -rf "$out" && mkdir -p "$out"
q() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
psql -X -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || exit 1
q -c 'CREATE EXTENSION vqc' || exit 1
q -v rows=20000 -f "$here/../fixtures/people.sql" >/dev/null || exit 1
q -f "$here/setup.sql" >/dev/null || exit 1
q -f "$here/hostile.sql" >/dev/null || exit 1
# page <file> <query>: the page the query returns, as psql -o writes it
page() { q -At -c "$2" -o "$out/$1" || exit 1; }
page run.html "SELECT vqc.report_html(max(run_id)) FROM vqc_report.run WHERE suite_name = 'people_daily'"
page suite.html "SELECT html FROM vqc_report.pages WHERE kind = 'suite' AND id = 'people_daily'"
page drift.html "SELECT vqc.drift_html(max(drift_run_id)) FROM vqc_report.drift_run"
page hostile.html "SELECT vqc.report_html(max(run_id)) FROM vqc_report.run WHERE suite_name LIKE '<script>%'"
page hostile-suite.html "SELECT vqc.suite_html('<script>alert(\"suite\")</script>')"
echo "browser: the demo's run page renders in SQL in $(q -At -c '\timing on' \
    -c "SELECT length(vqc.report_html(max(run_id))) FROM vqc_report.run WHERE suite_name = 'people_daily'" |
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p') ms, $(stat -c %s "$out/run.html") bytes"

# what the run page's trends must show: a point per result of the suite's
# runs, an anomaly per failed result
read -r results failures < <(q -At -F ' ' -c "SELECT count(*), count(*) FILTER (WHERE status = 'failure')
                                                FROM vqc_report.result JOIN vqc_report.run USING (run_id)
                                               WHERE suite_name = 'people_daily'")
# a query for the failing rows of each result of the last run with any
queries=$(q -At -c "SELECT count(*) FROM vqc_report.result
                     WHERE run_id = (SELECT max(run_id) FROM vqc_report.run WHERE suite_name = 'people_daily')
                       AND unexpected_count > 0")
cd "$here" && node pages.js "$out/run.html" "$out/suite.html" "$out/drift.html" "$out/hostile.html" "$out/hostile-suite.html" \
    --expect 'run.html=tr[id^="e"]:13' \
    --expect 'run.html=.card svg.chart:17' \
    --expect 'run.html=svg.trend:13' \
    --expect "run.html=svg.trend circle.point:$results" \
    --expect "run.html=svg.trend circle.anomaly:$failures" \
    --expect 'run.html=rect.current:20' \
    --expect "run.html=details.failing-query:$queries" \
    --expect 'suite.html=svg.trend:13' \
    --expect 'drift.html=svg.chart:4' \
    --expect 'drift.html=rect.baseline:65' \
    --expect 'drift.html=rect.current:65' \
    --expect 'hostile.html=script:0' \
    --expect 'hostile.html=img:0' \
    --expect 'hostile.html=svg:4' \
    --expect 'hostile.html=[onerror]:0' \
    --text 'hostile.html=<script>alert(1)</script>' \
    --text 'hostile.html="><img src=x onerror=alert(2)>' \
    --text 'hostile.html=</svg><script>alert(3)</script><svg>' \
    --text 'hostile.html=<script>alert("suite")</script>' \
    --text 'hostile.html=<script>alert("notes")</script>' \
    --expect 'hostile-suite.html=script:0' \
    --text 'hostile-suite.html=<script>alert("notes")</script><img src=x onerror=alert(4)>'
status=$?
psql -X -q -c "DROP DATABASE IF EXISTS $db" >/dev/null
echo "browser: pages and screenshots in $out"
exit $status
