#!/usr/bin/env bash
# Long fuzzing (not part of the tests, which run 5000 of each): a throwaway
# cluster, then test/fuzz/state_fuzz.sql (mutated states),
# test/fuzz/kwargs_fuzz.sql (random expectation arguments) and
# test/fuzz/functions_fuzz.sql (patterns, formats, drift inputs).
#   test/fuzz/run.sh [--iterations N] [--seed S]   default 200000 of each, seed 0.42
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
cd "$VQC_ROOT"
iterations=200000
seed=0.42
while (($#)); do
    case $1 in
        --iterations) iterations=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        *) echo "usage: $0 [--iterations N] [--seed S]  (S in [-1, 1])" >&2; exit 2 ;;
    esac
done

exec 9>/tmp/vqc-install.lock
flock 9
vqc_install_packages
vqc_build_install
vqc_start_cluster
trap vqc_stop_cluster EXIT
psql -q -X -c 'CREATE DATABASE vqc_fuzz' >/dev/null
psql -q -X -d vqc_fuzz -c 'CREATE EXTENSION vqc' >/dev/null
vqc_log "fuzzing the state types: $iterations mutations, seed $seed"
psql -q -X -d vqc_fuzz -v iterations="$iterations" -v seed="$seed" -f test/fuzz/state_fuzz.sql 2>&1 \
    | grep -v 'NOTICE\|DETAIL\|^drop cascades' | tee /tmp/vqc-fuzz.out
vqc_log "fuzzing the expectation arguments: $iterations calls, seed $seed"
psql -q -X -d vqc_fuzz -v iterations="$iterations" -v seed="$seed" -f test/fuzz/kwargs_fuzz.sql 2>&1 \
    | grep -v 'NOTICE\|DETAIL\|^drop cascades' | tee -a /tmp/vqc-fuzz.out
vqc_log "fuzzing the input functions: $iterations calls, seed $seed"
psql -q -X -d vqc_fuzz -v iterations="$iterations" -v seed="$seed" -f test/fuzz/functions_fuzz.sql 2>&1 \
    | grep -v 'NOTICE\|DETAIL\|^drop cascades' | tee -a /tmp/vqc-fuzz.out
grep -q '^ fuzz: PASS' /tmp/vqc-fuzz.out && grep -q '^ kwargs fuzz: PASS' /tmp/vqc-fuzz.out \
    && grep -q '^ functions fuzz: PASS' /tmp/vqc-fuzz.out
