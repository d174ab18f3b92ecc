#!/usr/bin/env python3
"""Accuracy of vqc.profile against exact answers computed with numpy/scipy.

For several seeds, 200k rows each of a normal, a log-normal (skewed) and a
heavy-duplicate (Zipf-like) column, whole and merged from 4 partitions, and
3M log-normal rows (where the quantile sketch samples below its levels),
whole and merged from one sampled partition of 2.5M and three small ones:
  - quantiles: for q = 0.01 .. 0.99 the estimate's true rank interval
    [#(x < est)/n, #(x <= est)/n] must come within 0.01 of q;
  - distinct count: relative error <= 0.02;
  - frequent values (k = 64): reported <= true <= reported + error_bound,
    error_bound <= n/65, and every value with frequency > n/65 is reported;
  - skewness and kurtosis equal scipy.stats.skew / kurtosis (defaults:
    biased, Fisher) to 1e-9 relative, mean and variance numpy's.
Connects with psql (PGHOST/PGPORT/PGUSER from the environment), creates and
drops its own database, prints PASS/FAIL, exits non-zero on failure.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy import stats

DB = "vqc_oracle_profile"
N = 200_000
SEEDS = [1, 2, 3]
BIG_N = 3_000_000
BIG_SEED = 7
QS = [i / 100 for i in range(1, 100)]


def psql(sql, db=DB):
    out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1",
                          "-d", db, "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def parse_array(s):
    return [float(v) for v in s.strip("{}").split(",")]


failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def check_profile(label, expr, col, x):
    """expr is a SQL expression yielding the profile; x the non-null values."""
    n = len(x)
    xs = np.sort(x)
    qs_sql = "'{" + ",".join(str(q) for q in QS) + "}'"
    row = psql(f"SELECT vqc.quantiles(p, {qs_sql}), vqc.ndistinct(p), vqc.mean(p), vqc.variance(p), "
               f"vqc.skewness(p), vqc.kurtosis(p), vqc.is_exact(p) FROM (SELECT ({expr}) AS p) s")
    qa, nd, mean, var, skew, kurt, exact = row.split("|")
    est = parse_array(qa)
    worst = 0.0
    for q, e in zip(QS, est):
        lo = np.searchsorted(xs, e, side="left") / n
        hi = np.searchsorted(xs, e, side="right") / n
        worst = max(worst, q - hi, lo - q, 0.0)
    check(worst <= 0.01, f"{label}: max normalized rank error {worst:.4f} > 0.01")
    true_nd = len(np.unique(x))
    nd_err = abs(float(nd) / true_nd - 1)
    check(nd_err <= 0.02, f"{label}: ndistinct relative error {nd_err:.4f} > 0.02")
    for name, got, want in (("mean", mean, np.mean(x)), ("variance", var, np.var(x, ddof=1)),
                            ("skewness", skew, stats.skew(x)), ("kurtosis", kurt, stats.kurtosis(x))):
        rel = abs(float(got) - want) / max(abs(want), 1e-300)
        check(rel <= 1e-9, f"{label}: {name} {got} vs {want} (relative {rel:.2e})")

    vals, counts = np.unique(x, return_counts=True)
    truth = dict(zip(vals.tolist(), counts.tolist()))
    top = psql(f"SELECT value, count, error_bound FROM vqc.top_values(({expr}), 64)")
    reported = {}
    bound = 0
    for line in top.splitlines():
        v, c, b = line.split("|")
        reported[float(v)] = int(c)
        bound = int(b)
    check(bound <= n // 65, f"{label}: error bound {bound} > n/65")
    for v, c in reported.items():
        t = truth.get(v, 0)
        check(c <= t <= c + bound, f"{label}: value {v} reported {c}, true {t}, bound {bound}")
    for v, t in truth.items():
        if t > n / 65:
            check(v in reported, f"{label}: heavy hitter {v} ({t} > n/65) not reported")
    print(f"  {label}: rank error {worst:.4f}, ndistinct error {nd_err:.4f}, "
          f"frequent bound {bound}, exact={exact}")


def load(table, columns, rows):
    """Creates table (columns: SQL column list) and copies rows into it."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        for row in rows:
            f.write(",".join(v if isinstance(v, str) else repr(v) for v in row) + "\n")
        path = f.name
    os.chmod(path, 0o644)
    psql(f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({columns})")
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", DB, "-c",
                    f"\\copy {table} FROM '{path}' WITH (FORMAT csv)"], check=True)
    os.unlink(path)


def check_sampled():
    rng = np.random.default_rng(BIG_SEED)
    big = rng.lognormal(10.5, 0.8, BIG_N)
    part = np.where(np.arange(BIG_N) < 2_500_000, 0, rng.integers(1, 4, BIG_N))
    load("big", "x float8, part int", zip(big.tolist(), part.tolist()))
    psql("CREATE TABLE big_parts AS SELECT part, vqc.profile_agg(x) AS p FROM big GROUP BY part")
    print(f"{BIG_N} rows (sampled quantile sketch):")
    check_profile("big whole", "SELECT vqc.profile_agg(x) FROM big", "x", big)
    check_profile("big merged", "SELECT vqc.merge_agg(p) FROM big_parts", "x", big)


def main():
    psql(f"DROP DATABASE IF EXISTS {DB}", db="postgres")
    psql(f"CREATE DATABASE {DB}", db="postgres")
    try:
        psql("CREATE EXTENSION vqc")
        for seed in SEEDS:
            rng = np.random.default_rng(seed)
            normal = rng.normal(100.0, 15.0, N)
            skewed = rng.lognormal(10.5, 0.8, N)
            dup = np.minimum(rng.zipf(1.3, N), 100000).astype(np.float64)
            part = rng.integers(0, 4, N)
            load("o", "normal float8, skewed float8, dup int, part int",
                 zip(normal.tolist(), skewed.tolist(), dup.astype(int).tolist(), part.tolist()))
            psql("CREATE TABLE IF NOT EXISTS parts (part int, normal vqc.profile, skewed vqc.profile, dup vqc.profile);"
                 "TRUNCATE parts; INSERT INTO parts SELECT part, vqc.profile_agg(normal), vqc.profile_agg(skewed), "
                 "vqc.profile_agg(dup) FROM o GROUP BY part")
            print(f"seed {seed}:")
            for col, x in (("normal", normal), ("skewed", skewed), ("dup", dup)):
                check_profile(f"seed {seed} {col} whole", f"SELECT vqc.profile_agg({col}) FROM o", col, x)
                check_profile(f"seed {seed} {col} merged", f"SELECT vqc.merge_agg({col}) FROM parts", col, x)
        check_sampled()
    finally:
        psql(f"DROP DATABASE IF EXISTS {DB}", db="postgres")

    if failures:
        for f in failures:
            print("FAIL:", f)
        print(f"profile_accuracy: FAIL ({len(failures)} failures)")
        sys.exit(1)
    print("profile_accuracy: PASS")


if __name__ == "__main__":
    main()
