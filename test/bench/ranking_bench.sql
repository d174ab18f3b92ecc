-- Ranking and regression metrics against the SQL a user writes by hand.
--   NDCG@10 over :rows results (10 per query, so :rows / 10 queries):
--   vqc.ndcg_score per query (averaged with avg) and vqc.ranking_report (all
--   six ranking metrics) against the window-function SQL (row_number over
--   the query's results by score and by relevance, discounts summed per
--   query).  Target: the hand-written SQL takes >= 5 x vqc.ndcg_score's time.
--   vqc.ndcg_at_k_all (one aggregate over all queries, no GROUP BY) against
--   the same, and against two floors: GROUP BY query reading the columns,
--   and a scan reading them (no grouping at all); the planner's plan
--   (parallel under tuned settings) and the serial plan.
--   Regression metrics over :rows (y_true, y_pred) pairs: vqc.regression_agg
--   (all six metrics from one state) against the floor, a scan reading the
--   two columns (count(y), count(p)), and against the same metrics in SQL;
--   the exact numeric MAE and MSE against avg(abs(y - p)) and
--   avg((y - p) * (y - p)) over numeric(12, 4) columns.
-- Scores are distinct within a query, so the hand-written NDCG (which ranks
-- ties arbitrarily) and scikit-learn's (ties averaged) agree; both answers
-- are printed.  Run by test/bench/run.sh --only ranking [--rows N]; builds
-- its own tables.
\set ON_ERROR_STOP on
\if :{?rows}
\else
\set rows 1000000
\endif
SET client_min_messages = warning;
-- the all-queries aggregates keep every query's rows until the end (about
-- 16 bytes a row and 40 a query: 10 M rows of 1 M queries take ~230 MB);
-- their budget is vqc.exact_memory_limit, work_mem by default (256 MB tuned,
-- 4 MB stock), so it is given here; the GROUP BY forms spill past work_mem
SET vqc.exact_memory_limit = '1GB';
\o /dev/null
\i test/bench/bench_timer.sql
TRUNCATE bench.timing;
SELECT setseed(0.12);
DROP TABLE IF EXISTS bench.results, bench.preds, bench.preds_num;
CREATE TABLE bench.results AS
SELECT i / 10 AS q, floor(random() * 4)::float8 * (random() < 0.6)::int AS rel, random() AS score
  FROM generate_series(0, :rows - 1) i;
CREATE TABLE bench.preds AS
SELECT y, y + (random() - 0.5) * 3 AS p
  FROM (SELECT 50 + (random() - 0.5) * 40 AS y FROM generate_series(1, :rows)) x;
CREATE TABLE bench.preds_num AS SELECT y::numeric(12, 4) AS y, p::numeric(12, 4) AS p FROM bench.preds;
VACUUM ANALYZE bench.preds_num;
VACUUM ANALYZE bench.results;
VACUUM ANALYZE bench.preds;

-- NDCG@10 as a user writes it with window functions (ties ranked arbitrarily)
\set window_ndcg 'WITH ranked AS (SELECT q, rel, row_number() OVER (PARTITION BY q ORDER BY score DESC) AS rn, row_number() OVER (PARTITION BY q ORDER BY rel DESC) AS irn FROM bench.results), per_query AS (SELECT q, sum(rel / (ln(rn + 1.0::float8) / ln(2.0::float8))) FILTER (WHERE rn <= 10) AS dcg, sum(rel / (ln(irn + 1.0::float8) / ln(2.0::float8))) FILTER (WHERE irn <= 10) AS idcg FROM ranked GROUP BY q) SELECT round(avg(CASE WHEN idcg > 0 THEN dcg / idcg ELSE 0 END)::numeric, 12) AS sql_ndcg FROM per_query'
SELECT bench.time('ndcg@10: window-function SQL', ARRAY[:'window_ndcg']);
SELECT bench.time('ndcg@10: vqc.ndcg_score per query', ARRAY[
    'SELECT avg(n) FROM (SELECT vqc.ndcg_score(rel, score, 10) AS n FROM bench.results GROUP BY q) x']);
SELECT bench.time('all six at 10: vqc.ranking_report', ARRAY[
    $$SELECT vqc.ranking_report('bench.results', 'q', 'rel', 'score', 10)$$]);
SELECT bench.time('ndcg@10: vqc.ndcg_at_k_all (no GROUP BY)', ARRAY[
    'SELECT vqc.ndcg_at_k_all(q, rel, score, 10) FROM bench.results']);
SELECT bench.time('ndcg@10: vqc.ndcg_at_k_all, serial plan', ARRAY[
    'SET max_parallel_workers_per_gather = 0', 'SELECT vqc.ndcg_at_k_all(q, rel, score, 10) FROM bench.results',
    'RESET max_parallel_workers_per_gather']);
SELECT bench.time('all six at 10: vqc.ranking_metrics_all', ARRAY[
    'SELECT vqc.ranking_metrics_all(q, rel, score, 10) FROM bench.results']);
SELECT bench.time('floor: count(rel), count(score), one scan', ARRAY[
    'SELECT count(rel), count(score) FROM bench.results']);
SELECT bench.time('floor: count() per query', ARRAY[
    'SELECT count(*) FROM (SELECT q, count(rel), count(score) FROM bench.results GROUP BY q) x']);

SELECT bench.time('regression: floor count(y), count(p)', ARRAY['SELECT count(y), count(p) FROM bench.preds']);
SELECT bench.time('regression: vqc.regression_agg (6 metrics)', ARRAY[
    'SELECT vqc.regression_to_jsonb(vqc.regression_agg(y, p)) FROM bench.preds']);
SELECT bench.time('regression: vqc.mean_absolute_error', ARRAY['SELECT vqc.mean_absolute_error(y, p) FROM bench.preds']);
SELECT bench.time('regression numeric: vqc MAE and MSE (exact)', ARRAY[
    'SELECT vqc.mean_absolute_error(y, p), vqc.mean_squared_error(y, p) FROM bench.preds_num']);
SELECT bench.time('regression numeric: avg(abs(y - p)), avg((y - p) * (y - p))', ARRAY[
    'SELECT avg(abs(y - p)), avg((y - p) * (y - p)) FROM bench.preds_num']);
SELECT bench.time('regression: the 6 metrics in SQL', ARRAY[$q$
SELECT avg(abs(p - y)), avg((p - y) ^ 2), sqrt(avg((p - y) ^ 2)), avg(abs(p - y) / greatest(abs(y), 2.220446049250313e-16)),
       1 - sum((p - y) ^ 2) / nullif(var_pop(y) * count(y), 0), max(abs(p - y))
  FROM bench.preds$q$]);
\o

\echo
\echo 'Median of 3 runs each, measured in this one session:'
SELECT label, round(median_ms::numeric, 1) AS median_ms, round(best_ms::numeric, 1) AS best_ms FROM bench.timing ORDER BY label;
SELECT round((bench.ms('ndcg@10: window-function SQL') / bench.ms('ndcg@10: vqc.ndcg_score per query'))::numeric, 2)
           AS "window SQL / vqc.ndcg_score (target >= 5)",
       round((bench.ms('ndcg@10: window-function SQL') / bench.ms('all six at 10: vqc.ranking_report'))::numeric, 2)
           AS "window SQL / ranking_report",
       round((bench.ms('ndcg@10: vqc.ndcg_score per query') / bench.ms('floor: count() per query'))::numeric, 2)
           AS "vqc.ndcg_score / grouped floor",
       round((bench.ms('ndcg@10: window-function SQL') / bench.ms('ndcg@10: vqc.ndcg_at_k_all (no GROUP BY)'))::numeric, 2)
           AS "window SQL / vqc.ndcg_at_k_all (target >= 5)",
       round((bench.ms('ndcg@10: window-function SQL') / bench.ms('ndcg@10: vqc.ndcg_at_k_all, serial plan'))::numeric, 2)
           AS "window SQL / ndcg_at_k_all serial",
       round((bench.ms('ndcg@10: vqc.ndcg_at_k_all (no GROUP BY)') / bench.ms('floor: count() per query'))::numeric, 2)
           AS "ndcg_at_k_all / grouped floor",
       round((bench.ms('ndcg@10: vqc.ndcg_at_k_all (no GROUP BY)') / bench.ms('floor: count(rel), count(score), one scan'))::numeric, 2)
           AS "ndcg_at_k_all / scan floor",
       round((bench.ms('regression: vqc.regression_agg (6 metrics)') / bench.ms('regression: floor count(y), count(p)'))::numeric, 2)
           AS "regression_agg / floor",
       round((bench.ms('regression: the 6 metrics in SQL') / bench.ms('regression: vqc.regression_agg (6 metrics)'))::numeric, 2)
           AS "SQL / regression_agg",
       round((bench.ms('regression numeric: vqc MAE and MSE (exact)')
              / bench.ms('regression numeric: avg(abs(y - p)), avg((y - p) * (y - p))'))::numeric, 2)
           AS "numeric: vqc / SQL";

\echo 'Answers (NDCG@10: vqc, then the window-function SQL):'
SELECT round(avg(n)::numeric, 12) AS vqc_ndcg FROM (SELECT vqc.ndcg_score(rel, score, 10) AS n FROM bench.results GROUP BY q) x;
:window_ndcg;
SELECT round(vqc.ndcg_at_k_all(q, rel, score, 10)::numeric, 12) AS vqc_ndcg_at_k_all FROM bench.results;
DROP TABLE bench.results, bench.preds, bench.preds_num;
