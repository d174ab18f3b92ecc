#!/usr/bin/env bash
# Drafts the functions part of an upgrade script: every function that differs
# between the frozen install script of OLD and a fresh install of the current
# version, as SQL (see function_diff.sql).  Not a test: a tool for writing the
# next upgrade script, whose output is read and then frozen into it.
#   test/upgrade/draft_functions.sh OLD_VERSION [SKIPPED_SIGNATURE ...] > draft.sql
# Needs the current vqc installed (make install) and runs its own throwaway cluster.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$VQC_ROOT"
old=${1:?usage: $0 OLD_VERSION [SKIPPED_SIGNATURE ...]}
shift
skip='{}'
if (($#)); then skip="{$(printf '"%s",' "$@" | sed 's/,$//')}"; fi

vqc_start_cluster >&2
trap vqc_stop_cluster EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
q -c 'CREATE DATABASE draft_old' -c 'CREATE DATABASE draft_new' >/dev/null
q -d draft_old -c "CREATE EXTENSION vqc VERSION '$old'" >/dev/null
q -d draft_new -c 'CREATE EXTENSION vqc' >/dev/null
q -d draft_new -c 'CREATE TABLE old_fn (signature text, result text, def text, comment text)' >/dev/null
q -d draft_old -At -c "COPY (SELECT p.oid::regprocedure::text, pg_get_function_result(p.oid), pg_get_functiondef(p.oid),
                              obj_description(p.oid, 'pg_proc')
                         FROM pg_proc p
                         JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
                         JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vqc'
                        WHERE p.prokind = 'f') TO STDOUT" \
  | q -d draft_new -c 'COPY old_fn FROM STDIN'
q -d draft_new -v skip="$skip" -f test/upgrade/function_diff.sql
