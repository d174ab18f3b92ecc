#!/usr/bin/env bash
# Long fuzzing (the tests run short runs of each): a throwaway cluster, then
# every fuzzer of VQC_FUZZERS (scripts/lib.sh): test/fuzz/state_fuzz.sql
# (mutated states), kwargs_fuzz.sql (random expectation arguments),
# functions_fuzz.sql (patterns, formats, drift inputs), limits_fuzz.sql
# (state formats at their structural limits), aggregates_fuzz.sql
# (aggregates of the user's over vqc's transition and combine functions) and
# determinism_fuzz.sql (stored states byte for byte, no leftover memory),
# row_condition_fuzz.sql (GE row conditions against an SQL oracle, mutated
# and injected ones refused with a proper error).
# Fails when a verdict is not PASS, naming any attempt that crashed the server.
#   test/fuzz/run.sh [--iterations N] [--seed S]   default N = 200000 (the
#   attempts of the fuzzers whose short run is 5000; the others in proportion), seed 0.42
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
vqc_fuzz_round "$iterations" "$VQC_ROOT" "$seed" 0 2>&1 | tee /tmp/vqc-fuzz.out
