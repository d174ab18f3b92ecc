#!/usr/bin/env python3
"""vqc's regression, ranking and agreement metrics against their references:
scikit-learn 1.2, statsmodels 0.13 and NLTK 3.8 (Debian 12's python3-sklearn,
python3-statsmodels, python3-nltk).

Run by scripts/test.sh after pg_regress, against the throwaway cluster named by
PGHOST / PGPORT / PGUSER.  It creates the database vqc_oracle (dropping it
first), loads seeded data (ties, NULLs, zero actuals, constant targets, queries
with no relevant item or one item, missing ratings), asks vqc through psql and
computes the same here.

References:
  regression   sklearn.metrics mean_absolute_error, mean_squared_error (squared
               True and False), mean_absolute_percentage_error, r2_score,
               max_error, on the pairs without a NULL;
  ranking      NDCG: sklearn.metrics.ndcg_score (ties averaged).  MAP@k, MRR,
               precision, recall and hit at k have no scikit-learn function:
               the reference enumerates every placement of the relevant items
               within each tie and averages the plain metric (ml_metrics' apk
               for AP@k), which is the definition vqc states;
  agreement    statsmodels.stats.inter_rater.fleiss_kappa on the items x
               categories table; nltk.metrics.agreement.AnnotationTask.alpha
               with binary_distance (nominal), interval_distance (interval)
               and the textbook ordinal distance over the pairable values;
               AnnotationTask.avg_Ao for percent agreement on complete data
               (a direct per-item count otherwise); sklearn cohen_kappa_score
               (None, linear, quadratic) on the items both annotators rated.

Merge = whole: states taken over 8 parts and merged with vqc.merge_agg give the
whole's metrics.  The all-queries aggregates (vqc.ndcg_at_k_all,
vqc.ranking_metrics_all) against the references' means over queries: int
queries in runs, text queries shuffled (compacted past 2k + 16 rows), forced
parallel plans that split every query across workers, and vqc.ranking_report's
GROUP BY fallback past vqc.exact_memory_limit; k <= 0, > 1 000 000 or NULL
refused.  The numeric regression overloads against scikit-learn on the same
values (through text, as float8 to numeric keeps 15 digits).  Agreement: |vqc - reference| <= 1e-9 * max(1, |reference|).
Prints one line per metric and exits non-zero on any mismatch.
"""
import itertools
import json
import math
import os
import subprocess
import sys
import warnings

try:
    import numpy as np
    from sklearn import metrics as skm
    from statsmodels.stats.inter_rater import fleiss_kappa
    from nltk.metrics.agreement import AnnotationTask
    from nltk.metrics.distance import binary_distance, interval_distance
except ImportError:
    # test.sh may find a python3 without Debian's packages first in PATH
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

DB = "vqc_oracle"
TOL = 1e-9
PARTS = 8


def psql(sql, db="postgres"):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", "-d", db],
                       input=sql, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit("psql failed")
    return r.stdout


def copy_rows(table, rows):
    """COPY text for rows of Python values (None is NULL)."""
    def cell(v):
        return "\\N" if v is None else repr(v) if isinstance(v, float) else str(v)
    return f"COPY {table} FROM STDIN;\n" + "".join("\t".join(cell(v) for v in r) + "\n" for r in rows) + "\\.\n"


class Checks:
    def __init__(self):
        self.summary = {}
        self.failures = 0

    def value(self, metric, what, got, want):
        s = self.summary.setdefault(metric, {"n": 0, "err": 0.0, "bad": 0})
        s["n"] += 1
        if want is None or (isinstance(want, float) and math.isnan(want)):
            ok = got is None
            err = 0.0 if ok else math.inf
        elif got is None:
            ok, err = False, math.inf
        else:
            err = abs(got - want) / max(1.0, abs(want))
            ok = err <= TOL
        s["err"] = max(s["err"], err if math.isfinite(err) else s["err"])
        if not ok:
            s["bad"] += 1
            self.failures += 1
            print(f"MISMATCH {metric} {what}: vqc {got!r} reference {want!r}")

    def truth(self, metric, what, ok):
        s = self.summary.setdefault(metric, {"n": 0, "err": 0.0, "bad": 0})
        s["n"] += 1
        if not ok:
            s["bad"] += 1
            self.failures += 1
            print(f"MISMATCH {metric} {what}")

    def report(self):
        for key in sorted(self.summary):
            s = self.summary[key]
            print(f"{key:<40} {s['n']:>5} checks  max error {s['err']:.2e}  {'ok' if not s['bad'] else 'FAILED'}")


def num(v):
    return None if v == "" else float(v)


# ---------------------------------------------------------------------------
# regression
# ---------------------------------------------------------------------------

def regression_data(rng):
    sets = {}
    y = rng.normal(10, 5, 2000)
    p = y + rng.normal(0, 2, 2000)
    y[rng.integers(0, 2000, 40)] = 0.0                  # zero actuals: MAPE's eps
    sets["normal_2000"] = list(zip(y, p))
    yi = rng.integers(0, 6, 500).astype(float)           # ties
    sets["ties_500"] = list(zip(yi, rng.integers(0, 6, 500).astype(float)))
    big = 1e8 + rng.normal(0, 1, 1000)                   # R² with a large offset
    sets["offset_1e8"] = list(zip(big, big + rng.normal(0, 0.5, 1000)))
    sets["constant_perfect"] = [(5.0, 5.0)] * 20
    sets["constant_off"] = [(5.0, 5.0)] * 19 + [(5.0, 6.5)]
    sets["one_pair"] = [(2.0, 3.5)]
    rows = []
    rid = 0
    for name, pairs in sets.items():
        for yt, yp in pairs:
            rid += 1
            yt, yp = float(yt), float(yp)
            if rid % 37 == 0:
                yt = None                                  # NULLs: skipped and counted
            elif rid % 41 == 0:
                yp = None
            rows.append((name, rid, yt, yp))
    return sets, rows


def regression_reference(pairs):
    y = np.array([a for a, b in pairs if a is not None and b is not None])
    p = np.array([b for a, b in pairs if a is not None and b is not None])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r2 = skm.r2_score(y, p) if len(y) >= 2 else None
    return {"mae": skm.mean_absolute_error(y, p), "mse": skm.mean_squared_error(y, p),
            "rmse": skm.mean_squared_error(y, p, squared=False),
            "mape": skm.mean_absolute_percentage_error(y, p), "r2": r2, "max": skm.max_error(y, p),
            "n": len(y)}


REG_COLS = "vqc.mean_absolute_error(s), vqc.mean_squared_error(s), vqc.root_mean_squared_error(s), " \
           "vqc.mean_absolute_percentage_error(s), vqc.r2_score(s), vqc.max_error(s), vqc.regression_count(s), " \
           "vqc.regression_null_count(s)"
REG_KEYS = ["mae", "mse", "rmse", "mape", "r2", "max", "n", "nulls"]


def check_regression(c, rng):
    sets, rows = regression_data(rng)
    psql("CREATE TABLE reg (name text, rid int, y float8, p float8);\n" + copy_rows("reg", rows), DB)
    whole = psql(f"SELECT name, {REG_COLS} FROM (SELECT name, vqc.regression_agg(y, p) s FROM reg GROUP BY name) x;\n"
                 "SELECT 'empty', " + REG_COLS + " FROM (SELECT vqc.regression_agg(y, p) s FROM reg WHERE false) x;\n"
                 f"SELECT name, {REG_COLS} FROM (SELECT name, vqc.merge_agg(s) s FROM "
                 f"(SELECT name, rid % {PARTS}, vqc.regression_agg(y, p) s FROM reg GROUP BY 1, 2) x GROUP BY name) y;\n"
                 # the one-step aggregates give what the accessors give
                 "SELECT name, vqc.mean_absolute_error(y, p), vqc.mean_squared_error(y, p), "
                 "vqc.root_mean_squared_error(y, p), vqc.mean_absolute_percentage_error(y, p), vqc.r2_score(y, p), "
                 "vqc.max_error(y, p) FROM reg GROUP BY name;\n"
                 # the numeric overloads (exact decimal sums) on the same values
                 # (through text: float8 to numeric keeps only 15 digits)
                 "SELECT name, vqc.mean_absolute_error(y::text::numeric, p::text::numeric), vqc.mean_squared_error(y::text::numeric, p::text::numeric), "
                 "vqc.root_mean_squared_error(y::text::numeric, p::text::numeric), vqc.mean_absolute_percentage_error(y::text::numeric, p::text::numeric), "
                 "vqc.r2_score(y::text::numeric, p::text::numeric), vqc.max_error(y::text::numeric, p::text::numeric) FROM reg GROUP BY name;\n",
                 DB).splitlines()
    by_name = {}
    for line in whole[:len(sets) + 1]:
        f = line.split("|")
        by_name[f[0]] = [num(v) for v in f[1:]]
    merged = {l.split("|")[0]: [num(v) for v in l.split("|")[1:]] for l in whole[len(sets) + 1:2 * len(sets) + 1]}
    direct = {l.split("|")[0]: [num(v) for v in l.split("|")[1:]] for l in whole[2 * len(sets) + 1:3 * len(sets) + 1]}
    exact = {l.split("|")[0]: [num(v) for v in l.split("|")[1:]] for l in whole[3 * len(sets) + 1:]}
    for name in sets:
        pairs = [(r[2], r[3]) for r in rows if r[0] == name]
        ref = regression_reference(pairs)
        got = by_name[name]
        for i, key in enumerate(REG_KEYS[:6]):
            c.value(f"regression {key}", name, got[i], ref[key])
            c.value("regression merged 8 parts = whole", f"{name} {key}", merged[name][i], got[i])
            c.value("regression one-step aggregate", f"{name} {key}", direct[name][i], got[i])
            c.value(f"regression {key} (numeric)", name, exact[name][i], ref[key])
        c.truth("regression counts", name, got[6] == ref["n"] and got[7] == len(pairs) - ref["n"])
    c.truth("regression counts", "empty group gives NULL metrics and count 0",
            by_name["empty"][:6] == [None] * 6 and by_name["empty"][6] == 0)


# ---------------------------------------------------------------------------
# ranking
# ---------------------------------------------------------------------------

KS = [1, 3, 5, 10, 50]


def ranking_data(rng):
    queries = {}
    rid = 0
    rows = []
    for q in range(1, 301):
        n = int(rng.integers(1, 26))
        rel = rng.choice([0, 0, 0, 1, 1, 2, 3], size=n).astype(float)
        if q % 10 == 0:
            rel[:] = 0                                     # no relevant item
        if q % 13 == 0:
            rel = rel * 0.5                                # fractional gains
        # scores on a coarse grid: ties, bounded so that enumeration stays small
        score = np.round(rng.integers(0, max(3, 2 * n), n) / 4.0, 2)
        items = []
        for r, s in zip(rel, score):
            rid += 1
            r, s = float(r), float(s)
            if rid % 53 == 0:
                r = None
            elif rid % 59 == 0:
                s = None
            rows.append((q, rid, r, s))
            if r is not None and s is not None:
                items.append((r, s))
        queries[q] = items
    rows.append((999, rid + 1, None, 1.0))                  # a query of NULL rows only
    return queries, rows


def tie_groups(items):
    """(score, relevances) groups, highest score first."""
    groups = {}
    for r, s in items:
        groups.setdefault(s, []).append(r)
    return [groups[s] for s in sorted(groups, reverse=True)]


def expected_binary_metrics(items, k):
    """Mean of the plain metrics over every placement of the relevant items
    within each tie (each placement equally likely under a random order)."""
    groups = tie_groups(items)
    R = sum(1 for r, s in items if r > 0)
    # only groups starting before k matter
    kept, start = [], 0
    for g in groups:
        if start >= k:
            break
        kept.append(g)
        start += len(g)
    choices = []
    for g in kept:
        nrel = sum(1 for r in g if r > 0)
        choices.append([tuple(1 if i in pos else 0 for i in range(len(g)))
                        for pos in itertools.combinations(range(len(g)), nrel)])
    total = {"ap": 0.0, "rr": 0.0, "p": 0.0, "r": 0.0, "hit": 0.0}
    count = 0
    for combo in itertools.product(*choices):
        ranked = [b for arr in combo for b in arr][:k]
        hits, ap, rr = 0, 0.0, 0.0
        for i, b in enumerate(ranked):
            if b:
                hits += 1
                ap += hits / (i + 1.0)
                if rr == 0.0:
                    rr = 1.0 / (i + 1)
        total["ap"] += ap / min(k, R) if R else 0.0
        total["rr"] += rr
        total["p"] += hits / k
        total["r"] += hits / R if R else 0.0
        total["hit"] += 1.0 if hits else 0.0
        count += 1
    return {m: v / count for m, v in total.items()}


def ndcg_reference(items, k):
    rel = np.array([[r for r, s in items]])
    score = np.array([[s for r, s in items]])
    if rel.shape[1] == 1:
        # scikit-learn refuses one document; the definition gives 1 or 0
        return 1.0 if rel[0, 0] > 0 else 0.0
    return skm.ndcg_score(rel, score, k=k)


RANK_COLS = "vqc.ndcg_score(s), vqc.average_precision_at_k(s), vqc.reciprocal_rank(s), vqc.precision_at_k(s), " \
            "vqc.recall_at_k(s), vqc.hit_rate(s), vqc.ranking_count(s), vqc.ranking_null_count(s)"
RANK_KEYS = ["ndcg", "ap", "rr", "p", "r", "hit"]


def check_ranking(c, rng):
    queries, rows = ranking_data(rng)
    psql("CREATE TABLE rank (q int, rid int, rel float8, score float8);\n" + copy_rows("rank", rows)
         # text queries with rows in shuffled order: no query is one run, and
         # queries past 2k + 16 rows are compacted along the way
         + "CREATE TABLE rank_shuffled AS SELECT q::text AS q, rel, score FROM rank ORDER BY (rid * 7919) % 10007;\n"
         + "INSERT INTO rank_shuffled VALUES (NULL, 3, 1);\n", DB)   # a NULL query: skipped, counted
    # forced parallel plans: each worker reads a share of the pages, so a
    # shuffled query is split across workers and merged by the combine
    parallel = ("SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0; "
                "SET max_parallel_workers_per_gather = 2;")
    sql = []
    for k in KS:
        sql.append(f"SELECT 'whole', {k}, q, {RANK_COLS} FROM (SELECT q, vqc.ranking_agg(rel, score, {k}) s "
                   "FROM rank GROUP BY q) x;")
        sql.append(f"SELECT 'merged', {k}, q, {RANK_COLS} FROM (SELECT q, vqc.merge_agg(s) s FROM "
                   f"(SELECT q, rid % {PARTS}, vqc.ranking_agg(rel, score, {k}) s FROM rank GROUP BY 1, 2) x "
                   "GROUP BY q) y;")
        sql.append(f"SELECT 'direct', {k}, q, vqc.ndcg_score(rel, score, {k}), vqc.average_precision_at_k(rel, score, {k}), "
                   f"vqc.reciprocal_rank(rel, score, {k}), vqc.precision_at_k(rel, score, {k}), "
                   f"vqc.recall_at_k(rel, score, {k}), vqc.hit_rate(rel, score, {k}) FROM rank GROUP BY q;")
        sql.append(f"SELECT 'report', {k}, 0, vqc.ranking_report('rank', 'q', 'rel', 'score', {k});")
        # one aggregate over all queries, without GROUP BY: int queries in
        # runs, text queries shuffled, serial and parallel, and the GROUP BY
        # fallback of vqc.ranking_report past vqc.exact_memory_limit
        sql.append(f"SELECT 'all', {k}, 0, vqc.ranking_metrics_all(q, rel, score, {k}), "
                   f"vqc.ndcg_at_k_all(q, rel, score, {k}) FROM rank;")
        sql.append(f"SELECT 'all_shuffled', {k}, 0, vqc.ranking_metrics_all(q, rel, score, {k}), "
                   f"vqc.ndcg_at_k_all(q, rel, score, {k}) FROM rank_shuffled;")
        sql.append(f"BEGIN; {parallel} SELECT 'all_parallel', {k}, 0, vqc.ranking_metrics_all(q, rel, score, {k}), "
                   f"vqc.ndcg_at_k_all(q, rel, score, {k}) FROM rank_shuffled; COMMIT;")
        sql.append(f"BEGIN; SET LOCAL vqc.exact_memory_limit = '1kB'; SELECT 'report_fallback', {k}, 0, "
                   f"vqc.ranking_report('rank', 'q', 'rel', 'score', {k}), NULL; COMMIT;")
    got = {}
    alls = {}
    reports = {}
    for line in psql("\n".join(sql) + "\n", DB).splitlines():
        f = line.split("|")
        if f[0] == "report":
            reports[int(f[1])] = json.loads(f[3])
        elif f[0] in ("all", "all_shuffled", "all_parallel", "report_fallback"):
            alls[(f[0], int(f[1]))] = (json.loads(f[3]), num(f[4]))
        else:
            got[(f[0], int(f[1]), int(f[2]))] = [num(v) for v in f[3:]]
    for k in KS:
        per_query = {m: [] for m in RANK_KEYS}
        for q, items in queries.items():
            w = got[("whole", k, q)]
            if not items:
                c.truth("ranking empty query", f"q{q} k{k}", w[:6] == [None] * 6)
                continue
            ref = expected_binary_metrics(items, k)
            ref["ndcg"] = ndcg_reference(items, k)
            for i, m in enumerate(RANK_KEYS):
                c.value(f"ranking {m}@k", f"q{q} k{k}", w[i], ref[m])
                c.value("ranking merged 8 parts = whole", f"q{q} k{k} {m}", got[("merged", k, q)][i], w[i])
                c.value("ranking one-step aggregate", f"q{q} k{k} {m}", got[("direct", k, q)][i], w[i])
                per_query[m].append(ref[m])
            c.truth("ranking counts", f"q{q} k{k}", w[6] == len(items))
        rep = reports[k]
        names = {"ndcg": "ndcg", "ap": "map", "rr": "mrr", "p": "precision", "r": "recall", "hit": "hit_rate"}
        for m in RANK_KEYS:
            c.value("ranking_report means over queries", f"k{k} {m}", rep[names[m]], float(np.mean(per_query[m])))
        c.truth("ranking_report counts", f"k{k}",
                rep["queries"] == sum(1 for v in queries.values() if v)
                and rep["queries_without_relevant"] == sum(1 for v in queries.values() if v and not any(r > 0 for r, s in v)))
        taken = sum(len(v) for v in queries.values())
        if k == KS[0]:
            # k <= 0, past 1 000 000 or NULL: refused (22023, 22004) as by the per-query aggregates
            for bad, state in (("0", "22023"), ("-1", "22023"), ("1000001", "22023"), ("NULL", "22004")):
                got_bad = psql(TRY_FN + "".join(try_sql(e) for e in (
                    f"SELECT vqc.ndcg_at_k_all(q, rel, score, {bad})::text FROM rank",
                    f"SELECT vqc.ranking_metrics_all(q, rel, score, {bad})::text FROM rank",
                    f"SELECT vqc.ndcg_score(rel, score, {bad})::text FROM rank GROUP BY q LIMIT 1")), DB).splitlines()
                c.truth(f"all-queries aggregates refuse k = {bad} ({state})", f"{bad}: {got_bad}",
                        got_bad == [f"ERROR {state}"] * 3)
                psql("DROP FUNCTION vqc_try(text);", DB)
        nulls = sum(1 for r in rows if r[2] is None or r[3] is None)
        for form in ("all", "all_shuffled", "all_parallel", "report_fallback"):
            rep, ndcg = alls[(form, k)]
            for m in RANK_KEYS:
                c.value(f"ranking_metrics_all means ({form})", f"k{k} {m}", rep[names[m]], float(np.mean(per_query[m])))
            if ndcg is not None:
                c.value(f"ndcg_at_k_all ({form})", f"k{k}", ndcg, float(np.mean(per_query["ndcg"])))
            c.truth(f"ranking_metrics_all counts ({form})", f"k{k}",
                    rep["k"] == k and rep["queries"] == sum(1 for v in queries.values() if v)
                    and rep["queries_without_relevant"] == sum(1 for v in queries.values() if v and not any(r > 0 for r, s in v))
                    and rep["rows"] == taken
                    # rank_shuffled's row of a NULL query is skipped and counted too
                    and rep["null_rows"] == nulls + (form in ("all_shuffled", "all_parallel")))


# ---------------------------------------------------------------------------
# agreement
# ---------------------------------------------------------------------------

def agreement_data(rng):
    """(set, item, annotator, label) ratings."""
    rows = []
    annotators = ["ann_a", "ann_b", "ann_c", "ann_d"]
    for i in range(60):                                  # complete, nominal
        truth = rng.integers(0, 4)
        for a in annotators:
            lab = truth if rng.random() < 0.7 else rng.integers(0, 4)
            rows.append(("complete", f"it{i}", a, "abcd"[lab]))
    for i in range(80):                                  # missing ratings, ordinal 1..5
        truth = rng.integers(1, 6)
        for a in annotators + ["ann_e"]:
            if rng.random() < 0.3:
                continue
            lab = int(np.clip(truth + rng.integers(-1, 2), 1, 5)) if rng.random() < 0.8 else int(rng.integers(1, 6))
            rows.append(("missing", f"it{i}", a, lab))
    for i in range(70):                                  # two annotators, some items rated once
        truth = rng.integers(0, 5)
        for a in ["ann_x", "ann_y"]:
            if i % 9 == 0 and a == "ann_y":
                continue
            lab = truth if rng.random() < 0.6 else rng.integers(0, 5)
            rows.append(("pair", i, a, int(lab)))
    return rows


def ordinal_distance(data):
    """The textbook ordinal metric over the pairable values of data."""
    by_item = {}
    for coder, item, label in data:
        by_item.setdefault(item, []).append(label)
    marg = {}
    for labels in by_item.values():
        if len(labels) >= 2:
            for lab in labels:
                marg[lab] = marg.get(lab, 0) + 1
    mid, below = {}, 0
    for lab in sorted(set(l for _, _, l in data)):
        n = marg.get(lab, 0)
        mid[lab] = below + n / 2.0
        below += n
    return lambda a, b: (mid[a] - mid[b]) ** 2


def percent_agreement(data):
    by_item = {}
    for coder, item, label in data:
        by_item.setdefault(item, []).append(label)
    shares = []
    for labels in by_item.values():
        m = len(labels)
        if m >= 2:
            shares.append(sum(labels.count(l) * (labels.count(l) - 1) for l in set(labels)) / (m * (m - 1)))
    return float(np.mean(shares))


def try_sql(expr):
    """An SQL expression's value, or 'ERROR <sqlstate>'."""
    return ("SELECT vqc_try($x$" + expr + "$x$);")


TRY_FN = """
CREATE FUNCTION vqc_try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE q INTO r;
    RETURN coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE;
END $$;
"""


def check_agreement(c, rng):
    rows = agreement_data(rng)
    rid_rows = [(s, n, i, a, l) for n, (s, i, a, l) in enumerate(rows)]
    psql("CREATE TABLE ratings (set text, rid int, item text, annotator text, label text, ilabel int);\n"
         + copy_rows("ratings", [(s, n, i, a, l, l if isinstance(l, int) else None) for s, n, i, a, l in rid_rows])
         + "INSERT INTO ratings VALUES ('missing', -1, 'it0', 'ann_z', NULL, NULL), ('missing', -2, NULL, 'ann_z', '3', 3);\n"
         + TRY_FN, DB)
    sets = {}
    for s, i, a, l in rows:
        sets.setdefault(s, []).append((a, i, l))

    q = []
    for s in sets:
        w = f"FROM ratings WHERE set = '{s}'"
        for level in ["nominal", "ordinal", "interval"]:
            lab = "label" if level == "nominal" else "ilabel"
            if s == "complete" and level != "nominal":
                continue
            q.append(try_sql(f"SELECT vqc.krippendorff_alpha(item, annotator, {lab}, '{level}') {w}"))
            q.append(try_sql(f"SELECT vqc.krippendorff_alpha(vqc.merge_agg(st), '{level}') FROM "
                             f"(SELECT vqc.agreement_agg(item, annotator, {lab}) st {w} GROUP BY rid % {PARTS}) x"))
        q.append(try_sql(f"SELECT vqc.fleiss_kappa(item, label) {w}"))
        q.append(try_sql(f"SELECT vqc.fleiss_kappa(vqc.merge_agg(st)) FROM "
                         f"(SELECT vqc.agreement_agg(item, annotator, label) st {w} GROUP BY rid % {PARTS}) x"))
        q.append(try_sql(f"SELECT vqc.percent_agreement(item, label) {w}"))
        for weights in ["NULL", "'linear'", "'quadratic'"]:
            lab = "label" if weights == "NULL" else "ilabel"
            q.append(try_sql(f"SELECT vqc.cohen_kappa(item, annotator, {lab}, {weights}) {w}"))
            q.append(try_sql(f"SELECT vqc.cohen_kappa(vqc.merge_agg(st), {weights}) FROM "
                             f"(SELECT vqc.agreement_agg(item, annotator, {lab}) st {w} GROUP BY rid % {PARTS}) x"))
    out = iter(psql("\n".join(q) + "\n", DB).splitlines())

    def val(v):
        return None if v == "NULL" else v if v.startswith("ERROR") else float(v)

    for s, data in sets.items():
        for level in ["nominal", "ordinal", "interval"]:
            if s == "complete" and level != "nominal":
                continue
            dist = {"nominal": binary_distance, "interval": interval_distance,
                    "ordinal": ordinal_distance(data)}[level]
            ref = AnnotationTask(data=data, distance=dist).alpha()
            whole, merged = val(next(out)), val(next(out))
            c.value(f"krippendorff_alpha {level}", s, whole, ref)
            c.value("agreement merged 8 parts = whole", f"{s} alpha {level}", merged, whole)
        fk_whole, fk_merged = val(next(out)), val(next(out))
        items = sorted(set(i for _, i, _ in data))
        cats = sorted(set(l for _, _, l in data), key=str)
        per_item = {i: [l for _, it, l in data if it == i] for i in items}
        if len(set(len(v) for v in per_item.values())) == 1:
            table = np.array([[per_item[i].count(cat) for cat in cats] for i in items])
            c.value("fleiss_kappa", s, fk_whole, fleiss_kappa(table))
            c.value("agreement merged 8 parts = whole", f"{s} fleiss", fk_merged, fk_whole)
        else:
            c.truth("fleiss_kappa unequal ratings per item is 22023", s,
                    fk_whole == "ERROR 22023" and fk_merged == "ERROR 22023")
        pa = val(next(out))
        if s == "complete":
            c.value("percent_agreement (NLTK avg_Ao)", s, pa, AnnotationTask(data=data).avg_Ao())
        c.value("percent_agreement", s, pa, percent_agreement(data))
        coders = sorted(set(a for a, _, _ in data))
        for weights in [None, "linear", "quadratic"]:
            whole, merged = val(next(out)), val(next(out))
            if len(coders) != 2 and weights is not None:
                continue                                 # numeric labels only where there are two
            if len(coders) != 2:
                c.truth("cohen_kappa needs two annotators (22023)", f"{s} {weights}",
                        whole == "ERROR 22023" and merged == "ERROR 22023")
                continue
            lab = {(a, i): l for a, i, l in data}
            both = [i for i in items if (coders[0], i) in lab and (coders[1], i) in lab]
            ref = skm.cohen_kappa_score([lab[(coders[0], i)] for i in both], [lab[(coders[1], i)] for i in both],
                                        weights=weights)
            c.value(f"cohen_kappa weights={weights}", s, whole, ref)
            c.value("agreement merged 8 parts = whole", f"{s} cohen {weights}", merged, whole)


def main():
    psql(f"DROP DATABASE IF EXISTS {DB};\nCREATE DATABASE {DB};\n")
    psql("CREATE EXTENSION vqc;\n", DB)
    rng = np.random.default_rng(20261128)
    c = Checks()
    check_regression(c, rng)
    check_ranking(c, rng)
    check_agreement(c, rng)
    c.report()
    total = sum(s["n"] for s in c.summary.values())
    print(f"regression_ranking_agreement_vs_references: {total} checks, {c.failures} failures "
          f"(tolerance {TOL:g}, absolute up to 1, relative above)")
    psql(f"DROP DATABASE IF EXISTS {DB};\n")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
