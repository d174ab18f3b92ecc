#!/usr/bin/env python3
"""vqc's classification and score metrics against scikit-learn 1.2 (Debian 12's
python3-sklearn).

Run by scripts/test.sh after pg_regress, against the throwaway cluster named by
PGHOST / PGPORT / PGUSER.  It creates the database vqc_oracle_cls (dropping it
first), loads seeded cases (ties, a class absent from the predictions, a single
class, an empty group, NULL labels and scores, text, boolean and {-1, 1} / {1, 2}
labels), asks vqc for every metric and option through psql, and computes the
same with scikit-learn on the rows without NULLs.

Agreement: |vqc - reference| <= 1e-9 * max(1, |reference|); confusion matrices
and supports exactly.  Where scikit-learn raises (ROC AUC or log loss of one
class) vqc returns NULL, and an empty group gives NULL everywhere.  Merge =
whole: every case is also computed from states built per part (8 parts) and
merged (vqc.merge_agg), and from a parallel plan (partial states combined), and
must agree with the whole within the same tolerance; ROC AUC and average precision
past the memory limit (vqc.*_by_passes under a 1 kB limit) agree with scikit-learn too.  Prints one summary line
per metric family and exits non-zero on any mismatch.
"""
import json
import math
import os
import subprocess
import sys
import warnings

try:
    import numpy as np
    from sklearn import metrics as skm
    from sklearn.calibration import calibration_curve
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

DB = "vqc_oracle_cls"
TOL = 1e-9
PARTS = 8
warnings.simplefilter("ignore")


def psql(sql, db="postgres"):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db],
                       input=sql, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit("psql failed")
    return r.stdout


def lit(v):
    if v is None:
        return "\\N"
    if isinstance(v, (bool, np.bool_)):
        return "t" if v else "f"
    if isinstance(v, float):
        return repr(v)
    return str(v)


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

def classification_cases(rng):
    """(name, sql type, y_true list, y_pred list) with None for NULL."""
    cases = []
    n = 3000
    yt = rng.integers(0, 5, n)
    yp = np.where(rng.random(n) < 0.6, yt, rng.integers(0, 4, n))  # class 4 never predicted
    cases.append(("multiclass int, class 4 never predicted", "int4", yt.tolist(), yp.tolist()))
    yt = rng.integers(0, 2, 1500)
    yp = np.where(rng.random(1500) < 0.7, yt, 1 - yt)
    cases.append(("binary int", "int8", yt.tolist(), yp.tolist()))
    words = ["cat", "dog", "Zebra", "\u00e9mu", "ant"]
    yt = rng.integers(0, 5, 2000)
    yp = np.where(rng.random(2000) < 0.5, yt, rng.integers(0, 5, 2000))
    cases.append(("text labels", "text", [words[i] for i in yt], [words[i] for i in yp]))
    yt = rng.integers(0, 2, 800).astype(bool)
    yp = np.where(rng.random(800) < 0.8, yt, ~yt)
    cases.append(("boolean labels", "bool", yt.tolist(), yp.tolist()))
    cases.append(("single class 1", "int4", [1] * 50, [1] * 50))
    cases.append(("single class 0 (pos_label absent)", "int4", [0] * 40, [0] * 40))
    yt = rng.integers(0, 2, 500)
    cases.append(("nothing predicted positive", "int4", yt.tolist(), [0] * 500))
    yt = rng.integers(-2, 3, 1200)
    yp = np.where(rng.random(1200) < 0.5, yt, rng.integers(-2, 3, 1200))
    t = [None if rng.random() < 0.05 else int(v) for v in yt]
    p = [None if rng.random() < 0.05 else int(v) for v in yp]
    cases.append(("NULL labels and predictions, negative classes", "int4", t, p))
    yt = rng.integers(0, 12, 2500)
    yp = np.where(rng.random(2500) < 0.3, yt, np.clip(yt + rng.integers(-2, 3, 2500), 0, 11))
    cases.append(("12 ordinal classes (10 > 9)", "int4", yt.tolist(), yp.tolist()))
    cases.append(("empty group", "int4", [], []))
    return cases


def score_cases(rng):
    """(name, label sql type, y_true, y_score) with None for NULL."""
    cases = []
    n = 4000
    y = rng.integers(0, 2, n)
    p = np.clip(np.round(0.35 * y + rng.random(n) * 0.65, 2), 0, 1)
    cases.append(("probabilities with ties", "int4", y.tolist(), p.tolist()))
    y = rng.integers(0, 2, 3000) * 2 - 1
    s = np.round(rng.normal(0, 1, 3000) + 0.8 * y, 1)
    cases.append(("labels -1/1, decision scores with ties", "int4", y.tolist(), s.tolist()))
    y = rng.integers(1, 3, 2000)
    p = np.round(rng.random(2000), 3)
    cases.append(("labels 1/2 (positive: 2 for AUC, 1 for AP)", "int4", y.tolist(), p.tolist()))
    cases.append(("single class 0", "int4", [0] * 300, np.round(rng.random(300), 2).tolist()))
    cases.append(("all scores tied", "int4", rng.integers(0, 2, 200).tolist(), [0.5] * 200))
    y = rng.integers(0, 2, 1000).astype(bool)
    p = rng.random(1000)
    cases.append(("boolean labels, extreme probabilities", "bool", y.tolist(),
                  np.where(rng.random(1000) < 0.05, np.where(y, 0.0, 1.0), p).tolist()))
    y = rng.integers(0, 2, 1500)
    p = np.round(rng.random(1500), 2)
    cases.append(("NULL labels and scores", "int4",
                  [None if rng.random() < 0.04 else int(v) for v in y],
                  [None if rng.random() < 0.04 else float(v) for v in p]))
    cases.append(("empty group", "int4", [], []))
    return cases


# ---------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------

def pairs(t, p):
    keep = [(a, b) for a, b in zip(t, p) if a is not None and b is not None]
    return [a for a, _ in keep], [b for _, b in keep]


def class_reference(t, p):
    t, p = pairs(t, p)
    if not t:
        return None
    ref = {}
    labels = sorted(set(t) | set(p))
    ref["accuracy"] = skm.accuracy_score(t, p)
    ref["balanced_accuracy"] = skm.balanced_accuracy_score(t, p)
    ref["mcc"] = skm.matthews_corrcoef(t, p)
    for w in (None, "linear", "quadratic"):
        ref[f"kappa_{w}"] = skm.cohen_kappa_score(t, p, weights=w)
    averages = ["micro", "macro", "weighted"] + (["binary"] if len(labels) <= 2 else [])
    pos = True if isinstance(t[0], bool) else 1
    for avg in averages:
        for zd in ("warn", 0, 1):
            kw = dict(average=avg, zero_division=zd)
            if avg == "binary":
                kw["pos_label"] = pos
            ref[f"precision_{avg}_{zd}"] = skm.precision_score(t, p, **kw)
            ref[f"recall_{avg}_{zd}"] = skm.recall_score(t, p, **kw)
            ref[f"f1_{avg}_{zd}"] = skm.f1_score(t, p, **kw)
            for beta in (0.5, 2.0):
                ref[f"fbeta{beta}_{avg}_{zd}"] = skm.fbeta_score(t, p, beta=beta, **kw)
    pr, rc, fs, sup = skm.precision_recall_fscore_support(t, p, average=None)
    ref["per_class"] = {"labels": [label_text(v) for v in labels], "precision": pr.tolist(),
                        "recall": rc.tolist(), "fbeta_score": fs.tolist(), "support": sup.tolist()}
    ref["matrix"] = {"labels": [label_text(v) for v in labels],
                     "matrix": skm.confusion_matrix(t, p, labels=labels).tolist()}
    ref["averages"] = averages
    return ref


def label_text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def score_reference(y, s):
    y, s = pairs(y, s)
    if not y:
        return None
    ref = {}
    y = np.array(y)
    s = np.array(s, dtype=float)
    classes = sorted(set(y.tolist()))
    ref["roc_auc"] = skm.roc_auc_score(y, s) if len(classes) == 2 else None
    ref["average_precision"] = skm.average_precision_score(y, s)
    if s.min() >= 0 and s.max() <= 1:
        ref["log_loss"] = skm.log_loss(y, s) if len(classes) == 2 else None
        ref["brier"] = skm.brier_score_loss(y, s)
        for nb in (5, 10):
            pos = 1 if set(classes) <= {0, 1} or set(classes) <= {-1, 1} else classes[-1]
            yt = (y == pos)
            pt, pp = calibration_curve(yt, s, n_bins=nb)
            bins = np.searchsorted(np.linspace(0.0, 1.0, nb + 1)[1:-1], s)
            counts = np.bincount(bins, minlength=nb)
            counts = counts[counts != 0]
            ref[f"curve_{nb}"] = {"prob_true": pt.tolist(), "prob_pred": pp.tolist(),
                                  "count": counts.tolist()}
            ref[f"ece_{nb}"] = float(np.sum(counts / len(s) * np.abs(pt - pp)))
    return ref


# ---------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------

class Tally:
    def __init__(self):
        self.checks = {}
        self.failures = []

    def close(self, family, what, got, want):
        self.checks[family] = self.checks.get(family, 0) + 1
        if want is None or got is None:
            ok = want is None and got is None
        elif isinstance(want, (list, tuple)):
            ok = isinstance(got, list) and len(got) == len(want) and all(
                self._num_ok(g, w) for g, w in zip(got, want))
        else:
            ok = self._num_ok(got, want)
        if not ok:
            self.failures.append(f"{family}: {what}: vqc {got!r}, reference {want!r}")

    @staticmethod
    def _num_ok(g, w):
        if g is None or w is None:
            return g is None and w is None
        g = float(g)
        w = float(w)
        if math.isnan(w):
            return math.isnan(g)
        return abs(g - w) <= TOL * max(1.0, abs(w))

    def exact(self, family, what, got, want):
        self.checks[family] = self.checks.get(family, 0) + 1
        if got != want:
            self.failures.append(f"{family}: {what}: vqc {got!r}, reference {want!r}")


def zd_sql(zd):
    return f"'{zd}'"


def class_items(averages, state="s"):
    """metric name -> SQL over a confusion state expression."""
    items = {
        "accuracy": f"vqc.accuracy_score({state})",
        "balanced_accuracy": f"vqc.balanced_accuracy_score({state})",
        "mcc": f"vqc.matthews_corrcoef({state})",
        "kappa_None": f"vqc.cohen_kappa_score({state})",
        "kappa_linear": f"vqc.cohen_kappa_score({state}, 'linear')",
        "kappa_quadratic": f"vqc.cohen_kappa_score({state}, 'quadratic')",
        "per_class": f"vqc.precision_recall_fscore_support({state})",
        "matrix": f"vqc.confusion_matrix({state})",
    }
    for avg in averages:
        for zd in ("warn", 0, 1):
            for m in ("precision", "recall", "f1"):
                items[f"{m}_{avg}_{zd}"] = f"vqc.{m}_score({state}, '{avg}', NULL, {zd_sql(zd)})"
            for beta in (0.5, 2.0):
                items[f"fbeta{beta}_{avg}_{zd}"] = \
                    f"vqc.fbeta_score({state}, {beta}, '{avg}', NULL, {zd_sql(zd)})"
    return items


def aggregate_items(averages):
    """the same metrics as aggregates over (t, p), a few of each option."""
    items = {
        "accuracy": "vqc.accuracy_score(t, p)",
        "balanced_accuracy": "vqc.balanced_accuracy_score(t, p)",
        "mcc": "vqc.matthews_corrcoef(t, p)",
        "kappa_None": "vqc.cohen_kappa_score(t, p)",
        "kappa_quadratic": "vqc.cohen_kappa_score(t, p, 'quadratic')",
        "matrix": "vqc.confusion_matrix(t, p)",
    }
    for avg in averages:
        items[f"f1_{avg}_warn"] = f"vqc.f1_score(t, p, '{avg}')"
        items[f"precision_{avg}_1"] = f"vqc.precision_score(t, p, '{avg}', NULL, '1')"
        items[f"recall_{avg}_0"] = f"vqc.recall_score(t, p, '{avg}', NULL, '0')"
        items[f"fbeta2.0_{avg}_warn"] = f"vqc.fbeta_score(t, p, 2.0, '{avg}')"
    if "binary" in averages:
        items["f1_binary_warn"] = "vqc.f1_score(t, p)"
    return items


def score_items(state="s"):
    return {
        "roc_auc": f"vqc.roc_auc_score({state})",
        "average_precision": f"vqc.average_precision_score({state})",
        "log_loss": f"vqc.log_loss({state})",
        "brier": f"vqc.brier_score_loss({state})",
        "curve_5": f"vqc.calibration_curve({state}, 5)",
        "curve_10": f"vqc.calibration_curve({state}, 10)",
        "ece_5": f"vqc.calibration_error({state}, 5)",
        "ece_10": f"vqc.calibration_error({state}, 10)",
    }


def json_query(items, from_sql):
    # json_build_object takes at most 100 arguments: join objects of 40 items
    keys = list(items)
    parts = []
    for i in range(0, len(keys), 40):
        body = ", ".join(f"'{k}', {items[k]}" for k in keys[i:i + 40])
        parts.append(f"pg_catalog.jsonb_build_object({body})")
    return f"SELECT {' OPERATOR(pg_catalog.||) '.join(parts)} FROM {from_sql};"


def compare_class(tally, family, name, got, ref):
    for k, want in ref.items():
        if k not in got or k == "averages":
            continue
        if k == "matrix":
            g = got[k]
            tally.exact(family, f"{name}: confusion matrix",
                        None if g is None else {"labels": g["labels"], "matrix": g["matrix"]}, want)
        elif k == "per_class":
            g = got[k]
            tally.exact(family, f"{name}: per-class labels", g and g["labels"], want["labels"])
            tally.exact(family, f"{name}: per-class support", g and g["support"], want["support"])
            for part in ("precision", "recall", "fbeta_score"):
                tally.close(family, f"{name}: per-class {part}", g and g[part], want[part])
        else:
            tally.close(family, f"{name}: {k}", got[k], want)


def compare_scores(tally, family, name, got, ref):
    for k, want in ref.items():
        if k.startswith("curve_"):
            g = got[k]
            for part in ("prob_true", "prob_pred"):
                tally.close(family, f"{name}: {k} {part}", g and g[part], want[part])
            tally.exact(family, f"{name}: {k} count", g and g["count"], want["count"])
        else:
            tally.close(family, f"{name}: {k}", got[k], want)


def load(table, columns, cases):
    lines = []
    for cid, case in enumerate(cases):
        t, p = case[2], case[3]
        for i, (a, b) in enumerate(zip(t, p)):
            lines.append(f"{cid}\t{i % PARTS}\t{lit(a)}\t{lit(b)}")
    return (f"CREATE TABLE {table} (case_id int, part int, {columns});\n"
            f"COPY {table} FROM STDIN;\n" + "\n".join(lines) + ("\n" if lines else "") + "\\.\n")


def main():
    rng = np.random.default_rng(20261128)
    ccases = classification_cases(rng)
    scases = score_cases(rng)
    tally = Tally()

    psql(f"DROP DATABASE IF EXISTS {DB};\nCREATE DATABASE {DB};\n")
    setup = ["CREATE EXTENSION vqc;"]
    types = sorted({c[1] for c in ccases})
    for ty in types:
        sub = [c if c[1] == ty else (c[0], ty, [], []) for c in ccases]
        setup.append(load(f"cls_{ty}", f"t {ty}, p {ty}", sub))
    for ty in sorted({c[1] for c in scases}):
        sub = [c if c[1] == ty else (c[0], ty, [], []) for c in scases]
        setup.append(load(f"sc_{ty}", f"y {ty}, s float8", sub))
    psql("\n".join(setup), DB)

    queries = []
    jobs = []
    for cid, (name, ty, t, p) in enumerate(ccases):
        ref = class_reference(t, p)
        averages = ref["averages"] if ref else ["micro", "macro", "weighted"]
        table = f"cls_{ty}"
        where = f"{table} WHERE case_id = {cid}"
        whole = class_items(averages, f"vqc.confusion_agg(t, p)")
        queries.append(json_query(whole, where))
        jobs.append(("classification (state accessors)", name, ref, compare_class))
        queries.append(json_query(aggregate_items(averages), where))
        jobs.append(("classification (aggregates)", name, ref, compare_class))
        merged = f"(SELECT vqc.merge_agg(s) AS s FROM (SELECT part, vqc.confusion_agg(t, p) AS s FROM {where} GROUP BY part) x) m"
        queries.append(json_query(class_items(averages), merged))
        jobs.append(("classification (8 parts merged)", name, ref, compare_class))
    for cid, (name, ty, y, s) in enumerate(scases):
        ref = score_reference(y, s)
        table = f"sc_{ty}"
        where = f"{table} WHERE case_id = {cid}"
        items = score_items("vqc.score_agg(y, s)")
        if ref is not None and "log_loss" not in ref:
            items = {k: v for k, v in items.items() if k in ("roc_auc", "average_precision")}
        queries.append(json_query(items, where))
        jobs.append(("scores (state accessors)", name, ref, compare_scores))
        aggs = {"roc_auc": "vqc.roc_auc_score(y, s)", "average_precision": "vqc.average_precision_score(y, s)"}
        if ref is None or "log_loss" in ref:
            aggs.update({"log_loss": "vqc.log_loss(y, s)", "brier": "vqc.brier_score_loss(y, s)",
                         "curve_5": "vqc.calibration_curve(y, s)", "curve_10": "vqc.calibration_curve(y, s, 10)",
                         "ece_5": "vqc.calibration_error(y, s)", "ece_10": "vqc.calibration_error(y, s, 10)"})
        queries.append(json_query(aggs, where))
        jobs.append(("scores (aggregates)", name, ref, compare_scores))
        merged_items = {k: v for k, v in score_items().items() if k in items}
        merged = f"(SELECT vqc.merge_agg(s) AS s FROM (SELECT part, vqc.score_agg(y, s) AS s FROM {where} GROUP BY part) x) m"
        queries.append(json_query(merged_items, merged))
        jobs.append(("scores (8 parts merged)", name, ref, compare_scores))

    # past the memory limit: the functions by passes, over a view of each case
    # with two classes, under a limit of 128 scores
    views = []
    for cid, (name, ty, y, s) in enumerate(scases):
        ref = score_reference(y, s)
        if ref is None or ref["roc_auc"] is None:
            continue
        views.append(f"CREATE VIEW sc_case_{cid} AS SELECT y, s FROM sc_{ty} WHERE case_id = {cid};")
        queries.append("SET vqc.exact_memory_limit = '1kB';\n" + json_query(
            {"roc_auc": f"vqc.roc_auc_score_by_passes('sc_case_{cid}', 'y', 's')",
             "average_precision": f"vqc.average_precision_score_by_passes('sc_case_{cid}', 'y', 's')"},
            "(SELECT 1) one") + "\nRESET vqc.exact_memory_limit;")
        jobs.append(("scores by passes (1 kB limit)", name,
                     {"roc_auc": ref["roc_auc"], "average_precision": ref["average_precision"]}, compare_scores))
    psql("\n".join(views), DB)

    rows = psql("\n".join(queries) + "\n", DB).strip().split("\n")
    if len(rows) != len(jobs):
        raise SystemExit(f"expected {len(jobs)} result rows, got {len(rows)}")
    for (family, name, ref, compare), row in zip(jobs, rows):
        got = json.loads(row)
        if ref is None:
            for k, v in got.items():
                tally.exact(family, f"{name}: {k} of an empty group", v, None)
            continue
        compare(tally, family, name, got, ref)

    parallel_checks(tally, rng)
    psql(f"DROP DATABASE IF EXISTS {DB};\n")

    for family, n in tally.checks.items():
        bad = sum(1 for f in tally.failures if f.startswith(family + ":"))
        print(f"{family:40s} {n:5d} checks, {bad} mismatches")
    for f in tally.failures[:40]:
        print("MISMATCH " + f)
    if tally.failures:
        raise SystemExit(f"{len(tally.failures)} mismatches with scikit-learn")
    print("classification and score metrics agree with scikit-learn 1.2 within 1e-9")


def parallel_checks(tally, rng):
    """Partial states from parallel workers, combined, equal the serial whole."""
    n = 200000
    t = rng.integers(0, 6, n)
    p = np.where(rng.random(n) < 0.5, t, rng.integers(0, 6, n))
    s = np.round(rng.random(n), 3)
    y = (rng.random(n) < s).astype(int)
    rows = "\n".join(f"{a}\t{b}\t{c}\t{d!r}" for a, b, c, d in zip(t.tolist(), p.tolist(), y.tolist(), s.tolist()))
    psql("CREATE TABLE big (t int, p int, y int, s float8);\nCOPY big FROM STDIN;\n" + rows + "\n\\.\nANALYZE big;\n", DB)
    items = {"f1_macro": "vqc.f1_score(t, p, 'macro')", "kappa": "vqc.cohen_kappa_score(t, p, 'linear')",
             "matrix": "vqc.confusion_matrix(t, p)", "auc": "vqc.roc_auc_score(y, s)",
             "ap": "vqc.average_precision_score(y, s)", "log_loss": "vqc.log_loss(y, s)",
             "ece": "vqc.calibration_error(y, s, 10)"}
    q = json_query(items, "big")
    serial = json.loads(psql("SET max_parallel_workers_per_gather = 0;\n" + q, DB).strip())
    par_settings = ("SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; "
                    "SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;\n")
    plan = psql(par_settings + "EXPLAIN (COSTS OFF) " + q, DB)
    tally.exact("parallel plan = serial", "plan has partial aggregates", "Partial Aggregate" in plan, True)
    par = json.loads(psql(par_settings + q, DB).strip())
    for k in items:
        if k == "matrix":
            tally.exact("parallel plan = serial", k, par[k], serial[k])
        else:
            tally.close("parallel plan = serial", k, par[k], serial[k])
    tally.close("parallel plan = serial", "f1 macro vs scikit-learn", serial["f1_macro"],
                skm.f1_score(t, p, average="macro"))
    tally.close("parallel plan = serial", "roc auc vs scikit-learn", serial["auc"], skm.roc_auc_score(y, s))


if __name__ == "__main__":
    main()
