#!/usr/bin/env python3
"""vqc's additive Holt-Winters against statsmodels 0.13 (Debian 12's python3-statsmodels).

Run by scripts/test.sh against the throwaway cluster named by PGHOST / PGPORT /
PGUSER.  statsmodels fits ExponentialSmoothing(trend='add', seasonal='add',
seasonal_periods=m, initialization_method='known') with vqc's initial values
(level: mean of the first season; trend: mean of (y[m+i] - y[i]) / m; seasons:
y[i] - level) and fit(smoothing_level=alpha, smoothing_trend=beta,
smoothing_seasonal=gamma, optimized=False): the same recursion, so the one-step
forecast and the in-sample sum of squared errors must agree to
1e-9 * max(1, |reference|).  Seeded random series of several periods, lengths,
trends and noise levels through vqc.holt_winters, then one suite end to end
(expect_metric_to_not_be_anomalous, strategy holt_winters, season weekly):
its expected value and bounds are statsmodels' forecast +- 3 sqrt(sse / N).
Exits non-zero on any mismatch.
"""
import math
import os
import subprocess
import sys
import warnings

try:
    import numpy as np
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

DB = "vqc_oracle_history"
TOL = 1e-9


def psql(sql, db="postgres"):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db],
                       input=sql, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit("psql failed")
    return r.stdout


def reference(y, m, alpha, beta, gamma):
    y = np.asarray(y, dtype=float)
    level = y[:m].mean()
    trend = ((y[m:2 * m] - y[:m]) / m).mean()
    model = ExponentialSmoothing(y, trend="add", seasonal="add", seasonal_periods=m,
                                 initialization_method="known", initial_level=level,
                                 initial_trend=trend, initial_seasonal=y[:m] - level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit(smoothing_level=alpha, smoothing_trend=beta, smoothing_seasonal=gamma,
                        optimized=False)
    return float(fit.forecast(1)[0]), float(fit.sse)


def close(a, b):
    return abs(a - b) <= TOL * max(1.0, abs(b))


def main():
    rng = np.random.default_rng(20261128)
    cases = []
    for m in (2, 4, 7, 12, 24):
        for _ in range(4):
            n = int(rng.integers(2 * m, 5 * m + 1))
            t = np.arange(n)
            season = rng.normal(0, 10, m)
            y = 100 + rng.normal(0, 2) * t + season[t % m] + rng.normal(0, rng.choice([0.1, 1, 5]), n)
            alpha, beta, gamma = (float(round(v, 3)) for v in rng.uniform(0, 1, 3))
            cases.append((list(map(float, y)), m, alpha, beta, gamma))
    cases.append(([10, 11, 10, 9, 10, 30, 31, 11, 10, 10, 10, 9, 29, 30], 7, 0.3, 0.1, 0.1))

    psql(f"DROP DATABASE IF EXISTS {DB};\nCREATE DATABASE {DB};\n")
    queries = ["CREATE EXTENSION vqc;"]
    for y, m, a, b, g in cases:
        arr = "ARRAY[" + ",".join(repr(v) for v in y) + "]::float8[]"
        queries.append(f"SELECT forecast::text || ' ' || sse::text FROM vqc.holt_winters({arr}, {m}, {a}, {b}, {g});")
    out = psql("\n".join(queries), DB).split()
    bad = 0
    for i, (y, m, a, b, g) in enumerate(cases):
        f, sse = float(out[2 * i]), float(out[2 * i + 1])
        rf, rsse = reference(y, m, a, b, g)
        if not (close(f, rf) and close(sse, rsse)):
            bad += 1
            print(f"mismatch: m={m} n={len(y)} alpha={a} beta={b} gamma={g}: "
                  f"vqc {f!r} {sse!r}, statsmodels {rf!r} {rsse!r}")
    print(f"holt_winters: {len(cases) - bad}/{len(cases)} series agree with statsmodels (tol {TOL})")

    # one suite end to end: the anomaly check's bounds from the suite's history
    y = [10, 11, 10, 9, 10, 30, 31, 11, 10, 10, 10, 9, 29, 30, 10, 11, 10, 9, 10, 31, 30]
    series = "ARRAY[" + ",".join(repr(float(v)) for v in y) + "]::float8[]"
    got = psql(f"""
CREATE TABLE daily (v float8);
INSERT INTO daily VALUES (0);
SELECT NULL FROM vqc.create_suite('daily', 'daily');
SELECT NULL FROM vqc.add_expectation('daily', 'expect_metric_to_not_be_anomalous',
    '{{"metric": "mean", "column": "v", "strategy": "holt_winters", "season": "weekly"}}');
DO $$ DECLARE x float8; BEGIN
    FOREACH x IN ARRAY {series} LOOP
        UPDATE daily SET v = x;
        PERFORM * FROM vqc.run('daily');
    END LOOP;
END $$;
UPDATE daily SET v = 30;
SELECT concat_ws(' ', success, d ->> 'expected', d ->> 'lower_bound', d ->> 'upper_bound')
  FROM vqc.run('daily'), LATERAL (SELECT result -> 'result' -> 'details' AS d) x;
""", DB).split()
    rf, rsse = reference(y, 7, 0.3, 0.1, 0.1)
    sd = math.sqrt(rsse / len(y))
    want = (rf, rf - 3 * sd, rf + 3 * sd)
    ok = len(got) == 4 and got[0] == "f" and all(close(float(g), w) for g, w in zip(got[1:], want))
    if len(got) != 4 or got[0] != "f":
        print(f"suite: unexpected output {got!r}")
    print(f"suite: forecast {float(got[1]):.6f} in [{float(got[2]):.6f}, {float(got[3]):.6f}], "
          f"statsmodels {rf:.6f} in [{want[1]:.6f}, {want[2]:.6f}]: {'ok' if ok else 'MISMATCH'}")
    bad += 0 if ok else 1
    psql(f"DROP DATABASE IF EXISTS {DB};\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
