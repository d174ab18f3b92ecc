#!/usr/bin/env python3
"""vqc.drift_exact against scipy 1.10 / numpy 1.24 (Debian 12's python3-scipy).

Run by scripts/test.sh after pg_regress, against the throwaway cluster named
by PGHOST / PGPORT / PGUSER.  It creates the database vqc_oracle (dropping it
first), loads the seeded vectors committed in drift_vectors.json, asks vqc for
every method through psql, and computes the same scores here.

Agreement: |vqc - reference| <= 1e-9 * max(1, |reference|), that is absolute
for values up to 1 (all p-values) and relative above.  Prints one summary line
per method and exits non-zero on any mismatch or failed detection check.
Binned scores take raw proportions; psi and kl first give empty bins
Evidently's small proportion (filled()).  A case's "textbook" scores are
closed-form values that both vqc and scipy must give.

`drift_vs_scipy.py --generate` rewrites drift_vectors.json (seeded; only
needed if the cases change).
"""
import json
import math
import os
import subprocess
import sys

try:
    import numpy as np
    from scipy import stats
    from scipy.spatial import distance
except ImportError:
    # test.sh may find a python3 without Debian's numpy/scipy first in PATH
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "drift_vectors.json")
DB = "vqc_oracle"
TOL = 1e-9
EMPTY_BIN = 1e-4  # Evidently's proportion for an empty bin (psi, kl)

NUMERIC_METHODS = ["ks", "wasserstein", "wasserstein_normed", "psi", "kl", "js",
                   "hellinger", "tv", "auto"]
BINNED = ["psi", "kl", "js", "hellinger", "tv"]
DEFAULT_THRESHOLD = {"ks": 0.05, "chi_square": 0.05, "chi_square_gof": 0.05,
                     "z_test": 0.05, "psi": 0.2, "kl": 0.1, "js": 0.1,
                     "hellinger": 0.1, "tv": 0.1, "wasserstein_normed": 0.1,
                     "wasserstein": None}


# ---------------------------------------------------------------------------
# test vectors
# ---------------------------------------------------------------------------

def generate():
    rng = np.random.default_rng(20240611)

    def normal(n, mu=0.0, digits=None):
        x = rng.normal(mu, 1.0, n)
        return [round(float(v), digits) if digits else float(v) for v in x]

    def cats(n, labels, probs):
        return [str(v) for v in rng.choice(labels, size=n, p=probs)]

    same = normal(200)
    cases = [
        {"name": "tiny_7_13", "kind": "float", "baseline": normal(7), "current": normal(13, 0.3)},
        {"name": "equal_40_40", "kind": "float", "baseline": normal(40), "current": normal(40, 0.4)},
        {"name": "ties_int_300_250", "kind": "int",
         "baseline": [int(v) for v in rng.integers(0, 10, 300)],
         "current": [int(v) for v in rng.integers(1, 11, 250)]},
        {"name": "float_500_800", "kind": "float", "baseline": normal(500), "current": normal(800, 0.1)},
        {"name": "ties_3000_2000", "kind": "float", "baseline": normal(3000, 0, 1), "current": normal(2000, 0.05, 1)},
        {"name": "equal_1000_1000", "kind": "float", "baseline": normal(1000, 0, 4), "current": normal(1000, 0.1, 4)},
        {"name": "asymp_20000_15000", "kind": "float", "baseline": normal(20000, 0, 4), "current": normal(15000, 0.02, 4)},
        {"name": "asymp_20000_60", "kind": "float", "baseline": normal(20000, 0, 4), "current": normal(60, 0.3, 4)},
        {"name": "identical_200", "kind": "float", "baseline": same, "current": list(same)},
        {"name": "disjoint_50_40", "kind": "float",
         "baseline": [float(v) for v in rng.uniform(0, 1, 50)],
         "current": [float(v) for v in rng.uniform(2, 3, 40)]},
        {"name": "few_values_1500_1200", "kind": "int",
         "baseline": [int(v) for v in rng.integers(0, 4, 1500)],
         "current": [int(v) for v in rng.integers(0, 5, 1200)]},
        {"name": "detect_shift_2000", "kind": "float", "detect": True,
         "baseline": normal(2000, 0, 6), "current": normal(2000, 0.5, 6)},
        {"name": "detect_null_2000", "kind": "float", "detect": False,
         "baseline": normal(2000, 0, 6), "current": normal(2000, 0, 6)},
        {"name": "cat_one_sided_80_120", "kind": "text",
         "baseline": cats(80, ["a", "b", "c", "e"], [0.4, 0.3, 0.2, 0.1]),
         "current": cats(120, ["a", "b", "c", "d"], [0.3, 0.3, 0.3, 0.1])},
        {"name": "cat_binary_300_400", "kind": "text",
         "baseline": cats(300, ["no", "yes"], [0.6, 0.4]),
         "current": cats(400, ["no", "yes"], [0.5, 0.5])},
        {"name": "cat_small_same_500_600", "kind": "text",
         "baseline": cats(500, ["x", "y", "z"], [0.5, 0.3, 0.2]),
         "current": cats(600, ["x", "y", "z"], [0.5, 0.3, 0.2])},
        {"name": "detect_cat_20000", "kind": "text", "detect": True,
         "baseline": cats(20000, ["R", "G", "B"], [0.85, 0.10, 0.05]),
         "current": cats(20000, ["R", "G", "B"], [0.75, 0.10, 0.15])},
        {"name": "cat_mid_moves_5000", "kind": "text",
         "baseline": cats(5000, ["R", "G", "B"], [0.5, 0.3, 0.2]),
         "current": cats(5000, ["R", "G", "B"], [0.4, 0.4, 0.2])},
        # no empty bin, so no smoothing: the textbook values
        {"name": "textbook_psi_4_10", "kind": "text",
         "baseline": ["a", "b", "c", "d"],
         "current": ["a"] + ["b"] * 2 + ["c"] * 3 + ["d"] * 4,
         "textbook": {"psi": -0.15 * math.log(0.4) - 0.05 * math.log(0.8)
                             + 0.05 * math.log(1.2) + 0.15 * math.log(1.6)}},
        # JS is finite with an empty bin: sqrt(3/4 ln(4/3)), unsmoothed
        {"name": "textbook_js_2_2", "kind": "text",
         "baseline": ["x", "x"], "current": ["x", "y"],
         "textbook": {"js": math.sqrt(0.75 * math.log(4 / 3))}},
        # empty bins whose side has a proportion <= 1e-4: filled with that / 10**6
        {"name": "cat_rare_empty_20000", "kind": "text",
         "baseline": ["a"] * 12000 + ["b"] * 7999 + ["c"],
         "current": ["a"] * 10000 + ["b"] * 9999 + ["d"]},
    ]
    with open(VECTORS, "w") as f:
        json.dump({"seed": 20240611, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")


# ---------------------------------------------------------------------------
# reference computations
# ---------------------------------------------------------------------------

def filled(p):
    """Evidently's get_binned_data(feel_zeroes=True): an empty bin gets 1e-4,
    or the smallest nonzero proportion / 10**6 when that is at most 1e-4; no
    renormalization."""
    p = p.copy()
    least = p[p != 0].min()
    np.place(p, p == 0, least / 10**6 if least <= EMPTY_BIN else EMPTY_BIN)
    return p


def binned_scores(bc, cc, nb, nc):
    b = np.asarray(bc, dtype=float) / nb
    c = np.asarray(cc, dtype=float) / nc
    fb, fc = filled(b), filled(c)
    return {
        "psi": float(np.sum((fc - fb) * np.log(fc / fb))),  # Evidently's psi
        "kl": float(stats.entropy(fb, fc)),                 # KL(baseline || current), as Evidently
        "js": float(distance.jensenshannon(b, c)),          # natural log, unsmoothed
        "hellinger": float(np.sqrt(np.sum((np.sqrt(b) - np.sqrt(c)) ** 2) / 2)),
        "tv": float(0.5 * np.sum(np.abs(b - c))),
    }


def numeric_bins(b, c, binning="quantile", bins=None):
    b = np.asarray(b, dtype=float)
    c = np.asarray(c, dtype=float)
    if binning == "quantile":
        k = bins or 10
        edges = np.unique(np.quantile(b, np.arange(1, k) / k))
    else:
        n = b.size + c.size
        k = bins or int(np.ceil(np.log2(n))) + 1
        lo, hi = min(b.min(), c.min()), max(b.max(), c.max())
        edges = np.unique(np.linspace(lo, hi, k + 1)[1:-1]) if hi > lo else np.array([])
    nb = len(edges) + 1
    bc = np.bincount(np.digitize(b, edges), minlength=nb)
    cc = np.bincount(np.digitize(c, edges), minlength=nb)
    return bc, cc


def categories(b, c):
    labels = sorted(set(b) | set(c))
    bc = np.array([b.count(x) for x in labels], dtype=float)
    cc = np.array([c.count(x) for x in labels], dtype=float)
    return labels, bc, cc


def reference(case, method, options):
    """(method actually used, score, p_value) as scipy computes them."""
    b, c = case["baseline"], case["current"]
    numeric = case["kind"] != "text"
    nb, nc = len(b), len(c)
    if method == "auto":
        many = numeric and len(set(b)) > 5
        if nb <= 1000:
            if many:
                method = "ks"
            else:
                method = "z_test" if len(set(b) | set(c)) == 2 else "chi_square"
        else:
            method = "wasserstein_normed" if many else "js"
        if method == "js" and numeric:
            labels, bc, cc = categories(b, c)
            return method, binned_scores(bc, cc, nb, nc)["js"], None
    if method == "ks":
        r = stats.ks_2samp(b, c)
        return method, float(r.statistic), float(r.pvalue)
    if method == "wasserstein":
        return method, float(stats.wasserstein_distance(b, c)), None
    if method == "wasserstein_normed":
        w = stats.wasserstein_distance(b, c)
        return method, float(w / max(np.std(b), 0.001)), None
    if method in BINNED:
        if numeric:
            bc, cc = numeric_bins(b, c, options.get("binning", "quantile"), options.get("bins"))
        else:
            _, bc, cc = categories(b, c)
        return method, binned_scores(bc, cc, nb, nc)[method], None
    labels, bc, cc = categories(b, c)
    if method == "chi_square":
        r = stats.chi2_contingency(np.array([bc, cc]))
        return method, float(r[0]), float(r[1])
    if method == "chi_square_gof":
        r = stats.chisquare(cc, bc / nb * nc)
        return method, float(r.statistic), float(r.pvalue)
    if method == "z_test":
        p1, p2 = bc[0] / nb, cc[0] / nc
        p = (bc[0] + cc[0]) / (nb + nc)
        z = (p1 - p2) / math.sqrt(p * (1 - p) * (1 / nb + 1 / nc))
        return method, float(z), float(2 * stats.norm.sf(abs(z)))
    raise ValueError(method)


# ---------------------------------------------------------------------------
# vqc through psql
# ---------------------------------------------------------------------------

def psql(sql, db="postgres"):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db],
                       input=sql, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit("psql failed")
    return r.stdout


def sql_array(values, kind):
    if kind == "text":
        return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"
    if kind == "int":
        return "ARRAY[" + ",".join(str(int(v)) for v in values) + "]::int4[]"
    return "ARRAY[" + ",".join(repr(float(v)) for v in values) + "]::float8[]"


def plan(cases):
    """(case, method, options) triples to check."""
    out = []
    for case in cases:
        if case["kind"] != "text":
            for m in NUMERIC_METHODS:
                out.append((case, m, {}))
            for m in ("psi", "js"):
                out.append((case, m, {"binning": "equal_width"}))
            out.append((case, "hellinger", {"bins": 5}))
            if case["kind"] == "int":
                out.append((case, "chi_square", {}))
        else:
            labels, bc, cc = categories(case["baseline"], case["current"])
            ms = ["chi_square", "psi", "kl", "js", "hellinger", "tv", "auto"]
            if all(bc > 0):
                ms.append("chi_square_gof")
            if len(labels) == 2:
                ms.append("z_test")
            for m in ms:
                out.append((case, m, {}))
    return out


def main():
    if "--generate" in sys.argv:
        generate()
        return 0
    with open(VECTORS) as f:
        cases = json.load(f)["cases"]

    psql(f"DROP DATABASE IF EXISTS {DB};\nCREATE DATABASE {DB};\n")
    setup = ["CREATE EXTENSION vqc;",
             "CREATE TABLE v (name text PRIMARY KEY, nb float8[], nc float8[], ib int4[], ic int4[], tb text[], tc text[]);"]
    for case in cases:
        col = {"float": ("nb", "nc"), "int": ("ib", "ic"), "text": ("tb", "tc")}[case["kind"]]
        setup.append(f"INSERT INTO v (name, {col[0]}, {col[1]}) VALUES ('{case['name']}', "
                     f"{sql_array(case['baseline'], case['kind'])}, {sql_array(case['current'], case['kind'])});")
    psql("\n".join(setup) + "\n", DB)

    checks = plan(cases)
    queries = []
    for i, (case, m, opts) in enumerate(checks):
        b, c = {"float": ("nb", "nc"), "int": ("ib", "ic"), "text": ("tb", "tc")}[case["kind"]]
        queries.append(f"SELECT {i}, vqc.drift_exact({b}, {c}, '{m}', '{json.dumps(opts)}') "
                       f"FROM v WHERE name = '{case['name']}';")
    rows = psql("\n".join(queries) + "\n", DB).strip().splitlines()
    got = {}
    for row in rows:
        i, js = row.split("|", 1)
        got[int(i)] = json.loads(js)

    failures = 0
    summary = {}
    for i, (case, m, opts) in enumerate(checks):
        r = got[i]
        used, score, p = reference(case, m, opts)
        key = used if m != "auto" else f"auto->{used}"
        if opts:
            key += " " + ",".join(f"{k}={v}" for k, v in sorted(opts.items()))
        s = summary.setdefault(key, {"n": 0, "err": 0.0, "bad": 0})
        s["n"] += 1
        errs = []
        if r["method"] != used:
            errs.append(f"method {r['method']} != {used}")
        e = abs(r["score"] - score) / max(1.0, abs(score))
        s["err"] = max(s["err"], e)
        if not e <= TOL:
            errs.append(f"score {r['score']!r} != {score!r}")
        if p is None:
            if r["p_value"] is not None:
                errs.append("p_value should be null")
        else:
            e = abs(r["p_value"] - p) / max(1.0, abs(p))
            s["err"] = max(s["err"], e)
            if not e <= TOL:
                errs.append(f"p_value {r['p_value']!r} != {p!r}")
        book = case.get("textbook", {}).get(m)
        if book is not None and not opts:
            for who, v in (("vqc", r["score"]), ("scipy", score)):
                if not abs(v - book) <= TOL * max(1.0, abs(book)):
                    errs.append(f"{who} score {v!r} != textbook {book!r}")
        if r["n_baseline"] != len(case["baseline"]) or r["n_current"] != len(case["current"]):
            errs.append("counts differ")
        thr = DEFAULT_THRESHOLD[used]
        if thr is not None:
            want = (p < thr) if p is not None else (score >= thr)
            if r["drifted"] != want:
                errs.append(f"drifted {r['drifted']} != {want}")
        if errs:
            s["bad"] += 1
            failures += 1
            print(f"MISMATCH {case['name']} {m} {opts}: " + "; ".join(errs))

    # detection: the shifted samples drift, the null pair does not
    det = {}
    for i, (case, m, opts) in enumerate(checks):
        if "detect" in case and not opts:
            det[(case["name"], m)] = got[i]["drifted"]
    expectations = [
        ("detect_shift_2000", "ks", True), ("detect_shift_2000", "wasserstein_normed", True),
        ("detect_null_2000", "ks", False), ("detect_null_2000", "wasserstein_normed", False),
        ("detect_cat_20000", "chi_square", True), ("detect_cat_20000", "js", True),
    ]
    for name, m, want in expectations:
        ok = det.get((name, m)) == want
        print(f"detection {name:<20} {m:<20} drifted={det.get((name, m))!s:<5} {'ok' if ok else 'WRONG'}")
        if not ok:
            failures += 1

    for key in sorted(summary):
        s = summary[key]
        print(f"{key:<34} {s['n']:>3} checks  max error {s['err']:.2e}  {'ok' if not s['bad'] else 'FAILED'}")
    print(f"drift_vs_scipy: {len(checks)} checks, {failures} failures (tolerance {TOL:g}, absolute up to 1, relative above)")

    psql(f"DROP DATABASE IF EXISTS {DB};\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
