-- Classification and score metrics over as many predictions as people has
-- rows (10 M by default), measured side by side with the floor (a scan
-- reading the two columns) and, for ROC AUC, with the hand-written
-- rank-sum SQL.  Run by test/bench/run.sh (--only classification).
-- The scores are collected exactly: vqc.exact_memory_limit is set to hold
-- them (80 MB for 10 M), whatever work_mem is.
\set ON_ERROR_STOP on
\o /dev/null
\i test/bench/bench_timer.sql
TRUNCATE bench.timing;
SET vqc.exact_memory_limit = '512MB';

-- y_true: 5 classes; y_pred right 70 % of the time; label: 0/1 with a
-- score that is higher for 1, rounded to 4 digits (ties)
DROP TABLE IF EXISTS predictions;
SELECT setseed(0.12);
CREATE TABLE predictions AS
SELECT y_true, CASE WHEN r < 0.7 THEN y_true ELSE (y_true + 1 + (r * 10)::int) % 5 END AS y_pred,
       label, round((0.3 * label + 0.7 * random())::numeric, 4)::float8 AS score
  FROM (SELECT (random() * 4.999)::int AS y_true, random() AS r, (random() < 0.3)::int AS label
          FROM generate_series(1, (SELECT count(*) FROM people)) g) x;
VACUUM ANALYZE predictions;
SELECT count(*) FROM predictions;
SELECT count(y_true), count(y_pred), count(label), count(score) FROM predictions;

SELECT bench.time('floor: count(y_true), count(y_pred)', ARRAY['SELECT count(y_true), count(y_pred) FROM predictions'], 5);
SELECT bench.time('vqc.f1_score(y_true, y_pred, ''macro'')', ARRAY['SELECT vqc.f1_score(y_true, y_pred, ''macro'') FROM predictions'], 5);
SELECT bench.time('vqc.precision_score(y_true, y_pred, ''weighted'')', ARRAY['SELECT vqc.precision_score(y_true, y_pred, ''weighted'') FROM predictions'], 5);
SELECT bench.time('vqc.recall_score(y_true, y_pred, ''micro'')', ARRAY['SELECT vqc.recall_score(y_true, y_pred, ''micro'') FROM predictions'], 5);
SELECT bench.time('vqc.confusion_matrix(y_true, y_pred)', ARRAY['SELECT vqc.confusion_matrix(y_true, y_pred) FROM predictions'], 5);
SELECT bench.time('one state, 6 metrics', ARRAY['SELECT vqc.f1_score(s, ''macro''), vqc.precision_score(s, ''macro''), vqc.recall_score(s, ''macro''), '
                                               'vqc.accuracy_score(s), vqc.matthews_corrcoef(s), vqc.cohen_kappa_score(s) '
                                               'FROM (SELECT vqc.confusion_agg(y_true, y_pred) s FROM predictions) x']);

SELECT bench.time('floor: count(label), count(score)', ARRAY['SELECT count(label), count(score) FROM predictions'], 5);
SELECT bench.time('vqc.roc_auc_score(label, score)', ARRAY['SELECT vqc.roc_auc_score(label, score) FROM predictions'], 5);
SELECT bench.time('vqc.average_precision_score(label, score)', ARRAY['SELECT vqc.average_precision_score(label, score) FROM predictions'], 5);
SELECT bench.time('vqc.log_loss(label, score)', ARRAY['SELECT vqc.log_loss(label, score) FROM predictions'], 5);
-- ROC AUC as the Mann-Whitney U over mid-ranks (rank() for the first of a
-- tie, plus half the tie's size): the hand-written SQL it replaces
SELECT bench.time('hand-written rank-sum SQL (rank() OVER)', ARRAY[$q$
SELECT (sum(r) FILTER (WHERE label = 1) - n1 * (n1 + 1) / 2.0) / (n1 * (n - n1))
  FROM (SELECT label, rank() OVER (ORDER BY score) + (count(*) OVER (PARTITION BY score) - 1) / 2.0 AS r,
               sum(label) OVER () AS n1, count(*) OVER () AS n
          FROM predictions) x
 GROUP BY n1, n$q$]);
\o
\echo
\echo 'Classification and score metrics, median of 5 runs (the rank-sum SQL: 3), measured in this session:'
SELECT label, round(median_ms::numeric, 1) AS median_ms, round(best_ms::numeric, 1) AS best_ms FROM bench.timing ORDER BY median_ms;
SELECT round((greatest(bench.ms('vqc.f1_score(y_true, y_pred, ''macro'')'), bench.ms('vqc.precision_score(y_true, y_pred, ''weighted'')'),
                       bench.ms('vqc.recall_score(y_true, y_pred, ''micro'')'), bench.ms('vqc.confusion_matrix(y_true, y_pred)'))
              / bench.ms('floor: count(y_true), count(y_pred)'))::numeric, 2) AS "slowest f1/p/r/cm / floor (<= 1.3)",
       round((bench.ms('vqc.roc_auc_score(label, score)') / bench.ms('floor: count(label), count(score)'))::numeric, 2)
           AS "roc_auc / floor (<= 3)",
       round((bench.ms('hand-written rank-sum SQL (rank() OVER)') / bench.ms('vqc.roc_auc_score(label, score)'))::numeric, 1)
           AS "rank-sum SQL / roc_auc (>= 5)";
-- the two ROC AUCs agree
SELECT vqc.roc_auc_score(label, score) AS vqc_roc_auc,
       (SELECT (sum(r) FILTER (WHERE label = 1) - n1 * (n1 + 1) / 2.0) / (n1 * (n - n1))
          FROM (SELECT label, rank() OVER (ORDER BY score) + (count(*) OVER (PARTITION BY score) - 1) / 2.0 AS r,
                       sum(label) OVER () AS n1, count(*) OVER () AS n FROM predictions) x
         GROUP BY n1, n) AS rank_sum_roc_auc
  FROM predictions;
DROP TABLE predictions;
